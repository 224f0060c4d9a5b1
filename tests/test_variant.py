"""The instructor's variant of the exercise (the rubric's [exercise] table): every check, message, lock and
browser walk follows it, and the lesson's own exercise is left exactly as it was (the feedback snapshots)."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner

from conftest import IMPLEMENTATIONS, ROOT, run_spec
from flask_conformance.commands.cli import main
from flask_conformance.data.exchange import Request
from flask_conformance.data.exercise import LESSON, Exercise, ExerciseError, in_exercise
from flask_conformance.reading.rubric import RubricError, parse_rubric

VARIANT = IMPLEMENTATIONS / "variant"
HELLO = Exercise(field="username", success="/welcome/<name>", greeting="Hello")
# What tells the lesson and the variant apart: all that sends the field, or reads the welcome page, or its
# greeting. Not LOGIN-405 nor HEAD-LOGIN (PUT is refused and HEAD mirrors GET in both), nor the form's
# action, method and submit button, which the variant keeps.
DIFFERENCES = {
    "LOGIN-GET", "LOGIN-POST", "SUCCESS-405", "HEAD-SUCCESS", "OPTIONS", "POST-FORM", "POST-NOT-QUERY", "GET-ARGS",
    "GET-NOT-BODY", "REDIRECT-STATUS", "REDIRECT-TARGET", "WELCOME", "NAMES-POST", "NAMES-GET", "FORM-INPUT",
    "BROWSER-POST", "BROWSER-GET",
}  # fmt: skip


def variant_run(pytester, target, *extra):
    return run_spec(
        pytester, "--target", str(target), "--in-process", "--rubric", str(VARIANT / "exercise.toml"), *extra
    )


def test_the_variant_reference_passes_its_variant_browser_walks_included(pytester):
    run = variant_run(pytester, VARIANT / "hello")
    assert run.ret == 0 and not run.failed, run.output
    assert {
        "test_browser.py::test_walkthrough_as_written[Ann Lee]",
        "test_form_page.py::test_form_text_input",
    } <= run.passed
    assert "flask-conformance: the instructor's exercise: Exercise(field='username'" in run.output


def test_the_variant_reference_fails_the_lesson(pytester):
    run = run_spec(pytester, "--target", str(VARIANT / "hello"), "--in-process")
    assert run.failed_requirements == DIFFERENCES


def test_the_lesson_graded_as_the_variant_is_told_in_the_variants_words(pytester):
    run = variant_run(pytester, ROOT / "reference_app" / "lesson")
    assert run.failed_requirements == DIFFERENCES
    messages = dict(run.failures)
    assert messages["WELCOME"].startswith(
        "```\nWELCOME: GET /welcome/<alice> should answer 200 with a page saying 'Hello alice'. It got: 404"
    )
    assert (
        'text input named username: <input type="text" name="username">. It got: inputs named [\'nm\']'
        in (messages["FORM-INPUT"])
    )
    assert (
        "POST /login with username=alice in a urlencoded form should redirect to /welcome/alice"
        in (messages["POST-FORM"])
    )
    assert "with username='alice'" in messages["NAMES-POST"] and "/welcome/<name>" in messages["NAMES-POST"]


def test_a_lock_follows_the_variant(tmp_path, pytester):
    lock = tmp_path / "hello.lock"
    result = CliRunner().invoke(
        main,
        [
            "lock",
            str(VARIANT / "hello"),
            "--in-process",
            "--out",
            str(lock),
            "--rubric",
            str(VARIANT / "exercise.toml"),
        ],
    )
    assert result.exit_code == 0, result.output
    text = lock.read_text()
    assert "=== GET /login?username=alice\n" in text and "< Location: /welcome/alice\n" in text
    requests = [line for line in text.splitlines() if line.startswith(("=== ", "> body"))]
    assert not [line for line in requests if re.search(r"[?&']nm=|^=== \w+ /success/", line)]
    run = variant_run(pytester, VARIANT / "hello", "--lock", str(lock), "-k", "lock")
    assert run.ret == 0 and run.passed == {"test_behaviour_lock.py::test_answers_match_the_lock"}, run.output


def test_requests_in_the_lessons_terms_are_sent_in_the_exercises():
    form = (("Content-Type", "application/x-www-form-urlencoded"),)
    lesson = Request("POST", "/login", "nm=A&x=nm", form, b"nm=B&nmx=1")
    assert in_exercise(lesson, LESSON) is lesson
    assert in_exercise(lesson, HELLO) == Request("POST", "/login", "username=A&x=nm", form, b"username=B&nmx=1")
    assert in_exercise(Request("GET", "/success/a%20b"), HELLO) == Request("GET", "/welcome/a%20b")
    assert HELLO.words("GET /success/<name> is 200 and shows welcome <name>") == (
        "GET /welcome/<name> is 200 and shows Hello <name>"
    )


@pytest.mark.parametrize(
    ("table", "says"),
    [
        ({"field": "a b"}, "field 'a b' is not a form field's name"),
        ({"login": "login"}, "login 'login' is not a route"),
        ({"success": "/welcome/"}, "success '/welcome/' is not a route that ends with its <name> segment"),
        ({"success": "/<name>/x"}, "is not a route that ends with its <name> segment"),
        ({"greeting": " "}, "greeting ' ' is not a word"),
        ({"form": "login.txt"}, "form 'login.txt' is not an .html file's name"),
        ({"page": "/x"}, "unknown key(s) ['page']; use field, login, success, greeting, form"),
        ({"field": 3}, "every value is a string"),
    ],
)
def test_an_exercise_no_app_could_serve_is_a_rubric_error(table, says):
    with pytest.raises(RubricError) as error:
        parse_rubric({"exercise": table}, "r.toml")
    assert str(error.value).startswith("r.toml [exercise]: ") and says in str(error.value)


def test_the_lessons_exercise_is_the_default():
    assert parse_rubric({}, "r.toml").exercise == LESSON == Exercise("nm", "/login", "/success/<name>", "welcome")
    with pytest.raises(ExerciseError):
        Exercise(success="/success/<name><name>")


def test_a_likely_cause_is_told_in_the_variants_words():
    from flask_conformance.grading.feedback import likely_cause_hints
    from flask_conformance.grading.grading import Check, Grade

    message = (
        "LOGIN-POST: POST /login with username=alice should be accepted: the lesson's route lists POST. It got: 400."
    )
    check = Check("LOGIN-POST", "t", "failed", 0, 4, "visible", (message,))
    (hint,) = likely_cause_hints(Grade("tutorial", "t", (check,), exercise=HELLO))
    assert "a form that sends `username`" in hint and "The lesson's field is `username`, in login.html" in hint
    assert "`nm`" not in hint
    (lesson_hint,) = likely_cause_hints(Grade("tutorial", "t", (check,)))
    assert "The lesson's field is `nm`" in lesson_hint


def test_a_mistakes_sign_is_read_in_the_variants_words():
    """The greeting-text sign, written for 'welcome', finds 'Hi alice' where the variant asks for 'Hello'."""
    from flask_conformance.grading.feedback import likely_cause_hints
    from flask_conformance.grading.grading import Check, Grade
    from flask_conformance.grading.mistakes import likely_causes

    message = "WELCOME: GET /welcome/<alice> should answer 200 with a page saying 'Hello alice'. "
    message += "It got: 200, body 'Hi alice'."
    assert [cause.key for cause in likely_causes([("WELCOME", message)], HELLO)] == ["greeting-text"]
    assert likely_causes([("WELCOME", message)]) == []  # read as the lesson's, it says nothing
    check = Check("WELCOME", "t", "failed", 0, 5, "visible", (message,))
    (hint,) = likely_cause_hints(Grade("tutorial", "t", (check,), exercise=HELLO))
    assert hint == (
        "The page should say `Hello <name>` and nothing else around the name, as the lesson's "
        "`'Hello %s' % name`: yours says ` Hi alice `."
    )
