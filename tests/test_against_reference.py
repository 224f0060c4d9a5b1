"""``--against``: catches what the listed requirements miss, and flags nothing the policy allows."""

from __future__ import annotations

import pytest

from conftest import IMPLEMENTATIONS, ROOT, run_spec

LISTED_PASS = IMPLEMENTATIONS / "listed_pass"  # each passes every listed requirement, but is wrong
DIFFERENTIAL = "test_differential.py::test_same_answers_as_the_reference"
CAUGHT_BY = {  # implementation -> a line of the side-by-side table that must show the divergence
    "first_form_field.py": "≠ location",
    "handwritten_allow.py": "≠ allow",
    "patch_on_success.py": "≠ ",
    "split_query_string.py": "≠ location",
}


def test_there_are_at_least_three():
    assert sorted(path.name for path in LISTED_PASS.glob("*.py")) == sorted(CAUGHT_BY)


@pytest.mark.parametrize("name", sorted(CAUGHT_BY))
def test_passes_every_listed_requirement_but_differs_from_the_reference(pytester, name):
    target = str(LISTED_PASS / name)
    assert run_spec(pytester, "--target", target, "-m", "not browser").ret == 0
    run = run_spec(pytester, "--target", target, "--against", "-k", "differential")
    assert run.ret == 1 and run.failed == {DIFFERENTIAL}, run.output
    message = run.output[run.output.index("DIFF-REFERENCE: ") :]
    target_line = next(line for line in message.splitlines() if line.strip().startswith("target:"))
    reference_line = next(line for line in message.splitlines() if line.strip().startswith("reference:"))
    assert "curl -i" in target_line and "curl -i" in reference_line
    assert CAUGHT_BY[name] in message and "reference_app.lesson.app:app" in message


@pytest.mark.parametrize("name", ["see_other.py", "absolute_location.py", "class_based_view.py", "blueprint"])
def test_correct_implementations_agree_with_the_reference(pytester, name):
    run = run_spec(pytester, "--target", str(IMPLEMENTATIONS / "correct" / name), "--against", "-k", "differential")
    assert run.ret == 0 and DIFFERENTIAL in run.passed, run.output


def test_robust_reference_agrees_with_itself_and_not_with_the_lesson(pytester):
    assert run_spec(pytester, "--conformance-profile", "robust", "--against", "-k", "differential").ret == 0
    run = run_spec(
        pytester,
        "--target",
        str(ROOT / "reference_app" / "lesson" / "app.py"),
        "--conformance-profile",
        "robust",
        "--against",
        "reference_app.robust.app:app",
        "-k",
        "differential",
    )
    assert run.failed == {DIFFERENTIAL}
    assert "4xx refusal" in run.output  # the lesson redirects an empty name where the robust app refuses it


def test_unloadable_reference_ends_the_run_clearly(pytester):
    run = run_spec(pytester, "--against", str(IMPLEMENTATIONS / "broken" / "syntax_error.py"), "-k", "differential")
    assert run.ret == 1
    assert "cannot load the reference" in run.output and "Traceback" not in run.output


def test_bare_against_before_the_test_path_is_a_clear_usage_error(pytester):
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider", "--against", str(ROOT / "spec_tests"))
    assert result.ret == 4  # pytest's usage error
    assert "put --against last, or write --against=reference" in "\n".join(result.errlines + result.outlines)
