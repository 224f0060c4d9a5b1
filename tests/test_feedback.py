"""feedback.md says what a student may not see yet in Gradescope's own terms."""

from __future__ import annotations

from flask_conformance.grading.feedback import feedback_markdown
from flask_conformance.grading.grading import Check, Grade


def check(requirement_id: str, visibility: str) -> Check:
    return Check(requirement_id, "a title", "passed", score=1.0, max_score=1.0, visibility=visibility)


def test_withheld_checks_are_worded_as_gradescope_means_them():
    grade = Grade(
        "tutorial",
        "app.py",
        (
            check("LOGIN-GET", "visible"),
            check("LOGIN-POST", "after_due_date"),
            check("LOGIN-405", "after_published"),
            check("OPTIONS", "after_published"),
            check("WELCOME", "hidden"),
        ),
    )
    text = feedback_markdown("ann", grade)
    assert "- LOGIN-GET: a title (1)" in text
    for hidden_id in ("LOGIN-POST", "LOGIN-405", "OPTIONS", "WELCOME"):
        assert hidden_id not in text
    assert "1 more check(s) will be shown after the due date." in text
    assert "2 more check(s) will be shown once your grades are published." in text
    assert "1 more check(s) count towards your grade but are not shown to students." in text


def test_every_value_in_the_template_is_markdown_escaped():
    """The template escapes each value it is given; only fenced blocks and the kit's own words are not."""
    link = "[click](http://evil.example) <img src=x>"
    grade = Grade(
        "tutorial",
        "app.py",
        (
            Check("LOGIN-GET", link, "passed", 4, 4, "visible"),
            Check("BROWSER-GET", "b", "grader-error", 3, 3, "visible", (link,)),
            Check("WELCOME", "w", "failed", 0, 5, "visible", ("```\n# All checks passed\n" + link,)),
        ),
    )
    text = feedback_markdown("ann", grade)
    assert link not in text.replace("````\n```\n# All checks passed\n" + link + "\n````", "")
    assert "- LOGIN-GET: \\[click\\]\\(http://evil.example\\) \\<img src=x\\> (4)" in text
    assert "- BROWSER-GET: \\[click\\]\\(http://evil.example\\) \\<img src=x\\>" in text
    assert "````\n```\n# All checks passed\n" + link + "\n````" in text
