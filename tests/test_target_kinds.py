"""Every kind of target plugs in: files, folders, module:attr, factories, and live URLs."""

from __future__ import annotations

import json
import shutil
import sys

import pytest

from conftest import IMPLEMENTATIONS, ROOT, run_spec

CORRECT = IMPLEMENTATIONS / "correct"
sys.path.insert(0, str(IMPLEMENTATIONS / "live"))

from lesson_http_server import serve  # noqa: E402


def test_there_are_enough_correct_implementations():
    assert len([path for path in CORRECT.iterdir() if path.suffix == ".py" or path.is_dir()]) >= 8


@pytest.mark.parametrize("name", sorted(path.name for path in CORRECT.iterdir()))
def test_correct_implementation_passes_tutorial(pytester, name):
    run = run_spec(pytester, "--target", str(CORRECT / name))
    assert run.ret == 0, run.output
    assert run.passed


def test_folder_target_checks_the_form_page(pytester):
    run = run_spec(pytester, "--target", str(CORRECT / "blueprint"))
    assert {"test_form_page.py::test_form_action", "test_form_page.py::test_form_text_input"} <= run.passed


def test_single_file_skips_form_checks_saying_why(pytester):
    run = run_spec(pytester, "--target", str(CORRECT / "factory.py"), "-rs")
    assert {node for node in run.skipped if "form_page" in node} == {
        "test_form_page.py::test_form_action",
        "test_form_page.py::test_form_method",
        "test_form_page.py::test_form_text_input",
        "test_form_page.py::test_form_submit",
    }
    assert "a single .py file has no login.html" in run.output


def test_file_with_attribute(pytester):
    run = run_spec(pytester, "--target", f"{CORRECT / 'named_server.py'}:server")
    assert run.ret == 0, run.output


@pytest.mark.parametrize("target", ["reference_app.lesson.app:app", str(ROOT / "reference_app" / "lesson")])
def test_lesson_reference_passes_tutorial_and_fails_robust(pytester, target):
    assert run_spec(pytester, "--target", target).ret == 0
    robust = run_spec(pytester, "--target", target, "--conformance-profile", "robust")
    assert robust.ret == 1
    assert any("test_robust.py" in node for node in robust.failed)
    # The lesson's page declares no charset: the robust browser walk sees Zoë arrive as Zo%EB.
    outside = {node for node in robust.failed if "test_robust.py" not in node}
    assert {node.split("[")[0] for node in outside} == {"test_browser.py::test_non_ascii_name_arrives_intact"}


@pytest.mark.parametrize("profile", ["tutorial", "robust"])
@pytest.mark.parametrize("target", ["reference_app.robust.app:app", "reference_app.robust.app:create_app()"])
def test_robust_reference_passes_both_profiles_as_module_and_factory(pytester, target, profile):
    run = run_spec(pytester, "--target", target, "--conformance-profile", profile)
    assert run.ret == 0, run.output


def test_default_target_is_the_robust_reference(pytester):
    run = run_spec(pytester, "--conformance-profile", "robust")
    assert run.ret == 0, run.output
    assert "target reference_app.robust.app:app (default)" in run.output


@pytest.mark.parametrize("prefix", ["", "/app"])
def test_live_non_flask_server_by_url(pytester, prefix):
    server, url = serve(prefix)
    try:
        result = pytester.runpytest_inprocess(str(ROOT / "spec_tests"), "-p", "no:cacheprovider", "--target", url)
    finally:
        server.shutdown()
        server.server_close()
    result.assert_outcomes(passed=31, skipped=8, deselected=36)  # no login.html: form and browser checks skip


def test_refused_url_fails_each_check_without_crashing(pytester):
    result = pytester.runpytest_inprocess(
        str(ROOT / "spec_tests"), "-p", "no:cacheprovider", "--target", "http://127.0.0.1:9/"
    )
    assert result.ret == 1
    output = "\n".join(result.outlines)
    assert "connection refused by 127.0.0.1:9" in output
    assert "Traceback" not in output
    assert result.parseoutcomes()["failed"] == 31


def test_folder_without_login_html_fails_the_form_checks(pytester, tmp_path):
    """Leaving login.html out never pays: the form checks fail, and the maximum is a folder's maximum."""
    folder = tmp_path / "no_form"
    folder.mkdir()
    shutil.copy(ROOT / "reference_app" / "lesson" / "app.py", folder / "app.py")
    with_form = tmp_path / "with_form"
    shutil.copytree(folder, with_form)
    shutil.copy(ROOT / "reference_app" / "lesson" / "login.html", with_form / "login.html")
    results = {}
    for target in (folder, with_form):
        path = tmp_path / f"{target.name}.json"
        pytester.runpytest_inprocess(
            str(ROOT / "spec_tests"), "-p", "no:cacheprovider", "--target", str(target), "--results", str(path)
        )
        results[target.name] = json.loads(path.read_text())
    failed = {test["tags"][0]: test["output"] for test in results["no_form"]["tests"] if test["status"] == "failed"}
    assert set(failed) == {"FORM-ACTION", "FORM-METHOD", "FORM-INPUT", "FORM-SUBMIT", "BROWSER-POST", "BROWSER-GET"}
    assert all("login.html is missing" in output for output in failed.values())
    assert results["no_form"]["max_score"] == results["with_form"]["max_score"]
    assert results["no_form"]["score"] < results["with_form"]["score"] == results["with_form"]["max_score"]


def test_a_check_that_did_not_run_is_failed(pytester, tmp_path):
    path = tmp_path / "results.json"
    pytester.runpytest_inprocess(
        str(ROOT / "spec_tests"),
        "-p",
        "no:cacheprovider",
        "-p",
        "no:randomly",
        "-x",
        "-m",
        "not browser",
        "--target",
        str(IMPLEMENTATIONS / "wrong" / "get_only.py"),
        "--results",
        str(path),
    )
    tests = json.loads(path.read_text())["tests"]
    not_run = [test for test in tests if "did not run" in test["output"]]
    assert len(not_run) >= 5 and all(test["status"] == "failed" and test["score"] == 0 for test in not_run)
    assert "WELCOME" in {test["tags"][0] for test in not_run}  # test_welcome.py comes after the first failure
    assert {test["status"] for test in tests} <= {"passed", "failed"}


def test_a_body_sent_on_head_is_seen_over_the_wire(pytester):
    """http.client reads no body for HEAD; the kit reads HEAD to the end of the connection instead."""
    server, url = serve(body_on_head=True)
    try:
        run = run_spec(pytester, "--target", url, "-m", "not browser")
    finally:
        server.shutdown()
        server.server_close()
    # Its redirect from /login has an empty body, so only the welcome page's HEAD carries one.
    assert run.failed_functions() == {"test_head_success_mirrors_get"}, run.output
    assert 'HEAD is "same as GET, but without response body"' in run.output


def test_a_correct_app_one_zip_folder_down_passes(pytester, tmp_path):
    """A learning platform's folder for the student, holding the zip's top folder (and macOS's __MACOSX and a
    README beside it): seen failing, "no Python file in the folder is called app.py", and no points."""
    wrapper = tmp_path / "student-42"
    shutil.copytree(CORRECT / "templated", wrapper / "flask-http-methods")
    (wrapper / "__MACOSX" / "flask-http-methods").mkdir(parents=True)
    (wrapper / "README.md").write_text("my lesson\n")
    run = run_spec(pytester, "--target", str(wrapper))
    assert run.ret == 0, run.output
    assert "test_form_page.py::test_form_action" in run.passed  # its login.html was read, one folder down


@pytest.mark.parametrize(
    ("layout", "opened"),
    [
        ({"a/b/app.py": ""}, "a/b"),  # two wrappers
        ({"a/app.py": "", ".git/x": "", "env/pyvenv.cfg": ""}, "a"),  # beside what is never copied
        ({"app.py": "", "a/app.py": ""}, "."),  # its own code: no wrapper
        ({"index.html": "", "a/app.py": ""}, "."),
        ({"a/app.py": "", "b/app.py": ""}, "."),  # two folders: which one is not the kit's guess
        ({"templates/login.html": ""}, "."),  # a Flask folder, not a wrapper
        ({"a/b/c/d/app.py": ""}, "a/b/c"),  # three wrappers opened at most
        ({"flaskr/__init__.py": "", "flaskr/templates/login.html": ""}, "."),  # a package: Flask's tutorial
    ],
)
def test_only_a_folder_that_just_wraps_another_is_opened(tmp_path, layout, opened):
    from flask_conformance.targets.targets import unwrapped

    for name, text in layout.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    assert unwrapped(tmp_path) == tmp_path / opened
