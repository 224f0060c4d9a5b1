"""The catalogue of learner mistakes (SPEC.md, "Likely causes"): each wrong implementation shows its mistake
and no other, each correct one shows none, and feedback puts the causes first, once, as data."""

from __future__ import annotations

import re

import pytest

from conftest import ROOT, run_spec
from flask_conformance.data.curl import HEADER_SHOWN, excerpt
from flask_conformance.grading.feedback import feedback_markdown
from flask_conformance.grading.grading import Check, Grade
from flask_conformance.grading.mistakes import CATALOGUE, likely_causes

ROW = re.compile(r"^\| `([a-z-]+)` \| (.+) \| `([^`]+)` \| `([^`]+)` \|$")


def catalogue_table() -> dict[str, tuple[str, str, str]]:
    """SPEC.md's table: mistake -> (wrong implementation, correct implementation, what it looks like), paths
    from the root."""
    text = (ROOT / "SPEC.md").read_text().split("## Likely causes", 1)[1].split("\n## ", 1)[0]
    rows = {}
    for line in text.splitlines():
        match = ROW.match(line)
        if match:
            key, looks_like, wrong, correct = match.groups()
            rows[key] = (
                wrong.replace("impl/", "tests/implementations/"),
                correct.replace("impl/", "tests/implementations/"),
                looks_like.replace("&lt;", "<"),
            )
    return rows


TABLE = catalogue_table()


def causes_of(pytester: pytest.Pytester, target: str) -> list[str]:
    """The causes a run of ``target`` finds. The run is one another test makes too, with the same arguments,
    so that the two share it: a wrong implementation's tutorial run (test_spec_catches_mistakes.py), a
    correct one's (test_correct_implementation_passes_tutorial), a reference's (test_target_kinds.py)."""
    path = str(ROOT / target)
    if target.startswith("tests/implementations/correct/"):
        run = run_spec(pytester, "--target", path, "--in-process", "-m", "not browser")
    elif target.startswith("reference_app/"):
        run = run_spec(pytester, "--target", path)
    else:
        run = run_spec(pytester, "--target", path, "--in-process", "--conformance-profile", "tutorial")
    return [cause.key for cause in likely_causes(run.failures)]


def test_spec_lists_the_whole_catalogue():
    assert len(CATALOGUE) >= 12
    assert list(TABLE) == [mistake.key for mistake in CATALOGUE]
    assert [looks_like for _, _, looks_like in TABLE.values()] == [mistake.looks_like for mistake in CATALOGUE]


@pytest.mark.parametrize("key", list(TABLE))
def test_the_wrong_implementation_shows_its_mistake_and_no_other(pytester, key):
    assert causes_of(pytester, TABLE[key][0]) == [key]


@pytest.mark.parametrize("target", sorted({correct for _, correct, _ in TABLE.values()}))
def test_a_correct_implementation_shows_no_mistake(pytester, target):
    assert causes_of(pytester, target) == []


def test_what_a_cause_quotes_from_the_submission_stays_data():
    """A quoted value is a code span longer than any backtick run in it: no Markdown, no HTML, one line."""
    body = "Hello ``` <script>alert(1)</script> ## Score: 90/90 alice"
    expected = "WELCOME: GET /success/<alice> should answer 200 with a page saying 'welcome alice'."
    message = f"{expected} It got: 200, body '{body}'."
    grade = Grade("tutorial", "t", (Check("WELCOME", "Welcome", "failed", 0, 5, "visible", (message,)),))
    feedback = feedback_markdown("ann", grade)
    line = next(line for line in feedback.splitlines() if line.startswith("- The page should say"))
    assert line.endswith(f"yours says ```` {body} ````.")


def test_a_hidden_check_gives_no_cause_away():
    message = "LOGIN-POST: POST /login with nm=alice should be accepted: the lesson's route lists POST. It got: 405."
    grade = Grade("tutorial", "t", (Check("LOGIN-POST", "Login", "failed", 0, 4, "hidden", (message,)),))
    assert "Likely cause" not in feedback_markdown("ann", grade)


@pytest.mark.parametrize(
    ("location", "causes"),
    [
        (excerpt("/success/" + "a%20b" * 2000, HEADER_SHOWN), []),  # cut: its tail's spaces are not the URL's
        (excerpt("/success/a b" + "c" * 5000, HEADER_SHOWN), ["hand-built-location"]),  # a raw space, then cut
    ],
    ids=["encoded", "raw-space"],
)
def test_a_cut_location_is_judged_on_what_it_shows(location, causes):
    """Seen failing before the tail was set aside: the encoded one was taken for a hand-built URL."""
    message = (
        "REDIRECT-TARGET: POST /login with nm='a b' should redirect to /success/<name>, with the name "
        f"percent-encoded. It got: 302, Location: {location}, an empty body."
    )
    assert [cause.key for cause in likely_causes([("REDIRECT-TARGET", message)])] == causes


def test_a_method_compared_in_lower_case_is_told_where_its_post_branch_went(pytester):
    """``request.method == 'post'`` never holds: a POST takes the GET branch, which reads the query string. The
    hint for a POST read from the query string says so, for a learner whose POST branch reads the form."""
    target = "tests/implementations/mistakes/method_in_lower_case.py"
    causes = likely_causes(run_spec(pytester, "--target", str(ROOT / target), "--in-process").failures)
    assert [cause.key for cause in causes] == ["query-on-post", "url-for-no-value"]
    assert "`request.method == 'POST'`" in causes[0].text()
