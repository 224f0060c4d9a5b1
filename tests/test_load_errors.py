"""A target that cannot be loaded ends the run with status 1 and one message that says how to fix it."""

from __future__ import annotations

import json

import pytest

from conftest import IMPLEMENTATIONS, ROOT, SPEC, run_spec

BROKEN = IMPLEMENTATIONS / "broken"

EXPECTED = {
    "syntax_error.py": "has a syntax error at line 4",
    "no_app.py": "no Flask app found in no_app.py",
    "two_apps.py": "defines 2 Flask apps (first, second) and none is called `app`",
    "import_raises.py": (
        "raised KeyError: 'SECRET_KEY'. Fix that line, then run `python import_raises.py` to check.\n"
        "    import_raises.py, line 5: SECRET = settings['SECRET_KEY']"
    ),
    "import_exits.py": "exits while it is being imported (sys.exit(3))",
    "import_os_exit.py": "exited while it was being imported (exit status 0)",
    "import_hangs.py": "did not finish importing within 2 s",
    "import_eats_memory.py": "ran out of memory",
    # a module of their own that lacks a name is no package's name; its path is theirs, not the sandbox's
    "imports_missing_name": (
        "importing app.py raised ImportError: cannot import name 'greeting' from 'helpers' (helpers.py). Fix that "
        "line, then run `python app.py` to check.\n"
        "    app.py, line 3: from helpers import greeting"
    ),
    # the lesson's app saved by Notepad as "Unicode": Python reads no line of it, so there is no line to name
    "saved_as_utf16": (
        'app.py holds null bytes, which no Python source can: is it saved as UTF-16 (Notepad\'s "Unicode")? '
        "Save it as UTF-8."
    ),
    "imports_uninstalled.py": (
        "importing imports_uninstalled.py raised ModuleNotFoundError: No module named 'flask_wtf': `flask_wtf` is "
        "neither a file of your submission nor a package the grader has (Flask, and what Flask needs). The lesson "
        "needs no other package: remove that import, or hand in the file it names.\n"
        "    imports_uninstalled.py, line 2: from flask_wtf import FlaskForm"
    ),
    # a file named after a package Flask imports: Python says only that the name is no package; seen
    # failing: "`werkzeug.local` is neither a file of your submission nor a package the grader has"
    "shadows_werkzeug": (
        "importing app.py raised ModuleNotFoundError: No module named 'werkzeug.local'; 'werkzeug' is not a "
        "package. Your file werkzeug.py has the name of the package `werkzeug`, so importing `werkzeug` finds "
        "your file instead of the package. Rename it (to my_werkzeug.py, importing it by that name, for "
        "example).\n"
        "    app.py, line 1: from flask import Flask, redirect, url_for, request"
    ),
    # a helper named after a module of Python's own that Flask imports: Flask then finds it, and it lacks
    # what Flask uses; seen failing: "Fix that line" under `from flask import ...`
    "shadows_logging": (
        "importing app.py raised AttributeError: module 'logging' has no attribute 'StreamHandler'. Your file "
        "logging.py has the name of the package `logging`, so importing `logging` finds your file instead of "
        "the package. Rename it (to my_logging.py, importing it by that name, for example).\n"
        "    app.py, line 1: from flask import Flask, redirect, url_for, request"
    ),
    # no path of the grader's Flask, and where the name went
    "imports_escape_from_flask.py": (
        "importing imports_escape_from_flask.py raised ImportError: cannot import name 'escape' from 'flask'. "
        "`escape` is no longer part of Flask: import it from markupsafe, which comes with Flask: "
        "`from markupsafe import escape`.\n"
        "    imports_escape_from_flask.py, line 2: from flask import Flask, redirect, url_for, request, escape"
    ),
    # `python flask.py` fails so too; the advice was "Fix that line", and the line is the lesson's own
    "named_flask": (
        "importing flask.py raised ImportError: cannot import name 'Flask' from 'flask' (flask.py). Your file "
        "flask.py has the name of the package `flask`, so importing `flask` finds your file instead of the "
        "package. Rename it (to app.py, for example).\n"
        "    flask.py, line 2: from flask import Flask, redirect, url_for, request"
    ),
}
# As a batch grades (no browser), with a short wait for an import: test_feedback_snapshots.py shares these runs.
SANDBOXED = ("--startup-timeout", "2", "-m", "not browser")
SAFE_IN_PROCESS = ("syntax_error.py", "no_app.py", "two_apps.py", "import_raises.py", "import_exits.py")


def assert_one_clear_message(run, expected):
    assert run.ret == 1
    assert expected in run.output
    assert "Traceback" not in run.output
    assert "flask_conformance/" not in run.output
    assert not run.passed and not run.failed


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_unloadable_submission_in_sandbox(pytester, name):
    run = run_spec(pytester, "--target", str(BROKEN / name), *SANDBOXED)
    assert_one_clear_message(run, EXPECTED[name])


@pytest.mark.parametrize("name", SAFE_IN_PROCESS)
def test_unloadable_submission_in_process(pytester, name):
    run = run_spec(pytester, "--target", str(BROKEN / name), "--in-process")
    assert_one_clear_message(run, EXPECTED[name])


ADVISES_A_FLAG = ["no_app.py", "two_apps.py"]


@pytest.mark.parametrize("name", ADVISES_A_FLAG)
def test_a_single_run_tells_its_user_which_flag_to_pass(pytester, name):
    assert "(Grading it by hand: `--target " in run_spec(pytester, "--target", str(BROKEN / name), *SANDBOXED).output


@pytest.mark.parametrize("name", ADVISES_A_FLAG)
def test_a_batch_tells_a_student_what_to_do_not_which_flag_to_pass(tmp_path, name):
    """--target is the command line's remedy; a student graded in a batch cannot pass it. (No pytester here:
    its module snapshot would drop what drawing report.html imports, for every later test of the worker.)"""
    from click.testing import CliRunner

    from flask_conformance.commands.cli import main

    folder = tmp_path / "class"
    folder.mkdir()
    (folder / "ann.py").write_text((BROKEN / name).read_text())
    out = tmp_path / "out"
    assert CliRunner().invoke(main, ["grade", str(folder), "--out", str(out)]).exit_code == 0
    for written in ("feedback.md", "results.json"):
        text = (out / "ann" / written).read_text()
        assert "ann.py" in text and "--target" not in text and "Grading it by hand" not in text
    assert "--target" not in (out / "grades.csv").read_text()


def test_a_failure_of_the_kit_to_open_a_submission_is_a_grader_error(pytester, monkeypatch, tmp_path):
    """Not the student's: every check is marked for a regrade and costs nothing, and nobody reads a
    traceback of the kit (seen before: a RecursionError in the copy was every check's failure, with it)."""
    from flask_conformance.targets import targets

    def broken(*arguments, **options):
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr(targets, "open_target", broken)
    results = tmp_path / "results.json"
    target = str(ROOT / "reference_app" / "lesson" / "app.py")
    pytester.runpytest_inprocess(
        str(SPEC), "-p", "no:cacheprovider", "--target", target, "--results", str(results), "-m", "not browser"
    )
    tests = json.loads(results.read_text())["tests"]
    assert tests and all("grader-error" in test["tags"] and test["score"] == test["max_score"] for test in tests)
    assert all("could not open the submission: RecursionError" in test["output"] for test in tests)
    assert not any("Traceback" in test["output"] or "flask_conformance/" in test["output"] for test in tests)


def test_a_failure_of_the_kit_in_a_check_is_a_grader_error_without_a_traceback(pytester, monkeypatch, tmp_path):
    """Whatever the kit raises on what a submission sent is that check's grader error, for a regrade: the
    student reads no traceback of the kit and loses nothing for it (seen before: a Location ``http://[``
    from a live server raised ValueError out of the kit, shown as the student's failure)."""
    from flask_conformance.targets import client

    def broken(base_url, location):
        raise ValueError("Invalid IPv6 URL")

    monkeypatch.setattr(client, "resolve", broken)
    results = tmp_path / "results.json"
    target = str(ROOT / "reference_app" / "lesson" / "app.py")
    arguments = ("-p", "no:cacheprovider", "--target", target, "--in-process", "--results", str(results))
    pytester.runpytest_inprocess(str(SPEC), *arguments, "-m", "not browser", "-k", "test_redirect or test_methods")
    tests = {test["tags"][0]: test for test in json.loads(results.read_text())["tests"]}
    regrade = {tag for tag, test in tests.items() if "grader-error" in test["tags"]}
    assert regrade == {"REDIRECT-TARGET"}
    assert all(test["score"] == test["max_score"] for test in tests.values())
    output = tests["REDIRECT-TARGET"]["output"]
    assert "the kit failed on this check: ValueError: Invalid IPv6 URL" in output
    assert "Traceback" not in output and "flask_conformance/" not in output


def test_a_check_failure_inside_an_exception_group_is_the_students():
    """Hypothesis raises a group when an app answers the same request differently a second time: the
    failure inside is the student's, not the kit's."""
    from flask_conformance.pytest_plugin.plugin import conformance_failure
    from flask_conformance.targets.client import ConformanceFailure

    inner = ConformanceFailure("WELCOME: ...")
    group = ExceptionGroup("flaky", [ValueError("other"), ExceptionGroup("nested", [inner])])
    assert conformance_failure(group) is inner
    assert conformance_failure(ExceptionGroup("none", [ValueError("x")])) is None
