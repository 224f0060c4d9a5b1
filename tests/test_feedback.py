"""feedback.md says what a student may not see yet in Gradescope's own terms."""

from __future__ import annotations

from flask_conformance.feedback import feedback_markdown
from flask_conformance.grading import Check, Grade


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
