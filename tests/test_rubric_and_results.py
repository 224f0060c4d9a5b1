"""Rubrics override points, drop checks and set visibility; results.json has Gradescope's shape."""

from __future__ import annotations

import json

import pytest

from conftest import IMPLEMENTATIONS, ROOT
from flask_conformance.data.atomic_file import write_atomically
from flask_conformance.reading.rubric import RubricError, parse_rubric

RUBRIC = """
[defaults]
visibility = "after_published"

[requirements.REDIRECT-STATUS]
points = 10
visibility = "visible"

[requirements.OPTIONS]
drop = true
"""


def spec_results(pytester, target, *arguments):
    results = pytester.path / "results.json"
    pytester.runpytest_inprocess(
        str(ROOT / "spec_tests"),
        "-p",
        "no:cacheprovider",
        "--target",
        str(target),
        "--results",
        str(results),
        *arguments,
    )
    return json.loads(results.read_text())


def test_results_json_shape(pytester):
    results = spec_results(pytester, IMPLEMENTATIONS / "wrong" / "status_307.py")
    assert set(results) == {
        "score",
        "max_score",
        "execution_time",
        "output",
        "visibility",
        "output_format",
        "test_output_format",
        "extra_data",
        "tests",
    }
    assert results["output_format"] == results["test_output_format"] == "md"  # rendered: the hints' code
    assert results["extra_data"]["isolation"].startswith("sandbox: ")
    failed = [test for test in results["tests"] if test["status"] == "failed"]
    assert {test["tags"][0] for test in failed} >= {"REDIRECT-STATUS"}
    for test in results["tests"]:
        assert set(test) == {"name", "number", "score", "max_score", "status", "output", "visibility", "tags"}
    redirect = next(test for test in failed if test["tags"][0] == "REDIRECT-STATUS")
    assert redirect["score"] == 0 and redirect["max_score"] == 4
    assert "curl -i" in redirect["output"] and "REDIRECT-STATUS:" in redirect["output"]
    assert redirect["output"].startswith("```\nREDIRECT-STATUS:") and redirect["output"].endswith("\n```")
    assert "**Likely cause**\n\n- Your redirect answers ` 307 `." in results["output"]
    assert results["score"] == sum(test["score"] for test in results["tests"])
    # A single file has no form page: those checks are neither passed nor failed, so not in "tests".
    unchecked = {"FORM-ACTION", "FORM-METHOD", "FORM-INPUT", "FORM-SUBMIT", "BROWSER-POST", "BROWSER-GET"}
    assert not unchecked & {test["tags"][0] for test in results["tests"]}
    assert {test["status"] for test in results["tests"]} == {"passed", "failed"}
    assert "Not checked for this kind of target: FORM-ACTION \\(" in results["output"]  # Markdown-escaped
    for requirement_id in unchecked:
        assert requirement_id in results["output"]


def test_rubric_overrides_points_drops_and_visibility(pytester):
    rubric = pytester.path / "rubric.toml"
    rubric.write_text(RUBRIC)
    results = spec_results(pytester, IMPLEMENTATIONS / "wrong" / "status_307.py", "--rubric", str(rubric))
    by_id = {test["tags"][0]: test for test in results["tests"]}
    assert "OPTIONS" not in by_id
    assert by_id["REDIRECT-STATUS"]["max_score"] == 10 and by_id["REDIRECT-STATUS"]["visibility"] == "visible"
    assert by_id["LOGIN-405"]["visibility"] == "after_published"


def test_same_behaviour_same_grade(pytester):
    """Fixed examples, no database: two runs give the same results, test by test."""
    first = spec_results(pytester, IMPLEMENTATIONS / "wrong" / "quote_plus.py")
    second = spec_results(pytester, IMPLEMENTATIONS / "wrong" / "quote_plus.py")
    assert [test["output"] for test in first["tests"]] == [test["output"] for test in second["tests"]]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"requirements": {"NOPE": {"points": 1}}}, "no such requirement"),
        ({"requirements": {"OPTIONS": {"points": -1}}}, "points must be a number, 0 or more"),
        ({"requirements": {"OPTIONS": {"visibility": "secret"}}}, "visibility must be one of"),
        ({"requirements": {"OPTIONS": {"weight": 2}}}, "unknown key(s) ['weight']"),
        ({"grading": {}}, "unknown table(s) ['grading']"),
    ],
)
def test_rubric_errors_name_the_entry(data, message):
    with pytest.raises(RubricError, match=message.replace("(", r"\(").replace(")", r"\)").replace("[", r"\[")):
        parse_rubric(data, "rubric.toml")


def test_atomic_write_leaves_no_partial_file(tmp_path, monkeypatch):
    target = tmp_path / "results.json"
    target.write_text("old")

    def broken_fsync(descriptor):
        raise OSError("disk full")

    monkeypatch.setattr("os.fsync", broken_fsync)
    with pytest.raises(OSError):
        write_atomically(target, "new")
    assert target.read_text() == "old"
    assert [path.name for path in tmp_path.iterdir()] == ["results.json"]


@pytest.mark.parametrize("profile", ["tutorial", "robust"])
def test_an_app_with_no_routes_scores_nothing(pytester, profile):
    """A HEAD mirroring a 404, or a 404 taken for a refusal, earned 6/73 and 18/89 before."""
    results = spec_results(
        pytester, IMPLEMENTATIONS / "wrong" / "no_routes.py", "--conformance-profile", profile, "-m", "not browser"
    )
    assert results["score"] == 0 and results["max_score"] > 0
    assert {test["status"] for test in results["tests"]} == {"failed"}


def test_rubric_command_documents_the_keys():
    from click.testing import CliRunner

    from flask_conformance.commands.cli import main

    result = CliRunner().invoke(main, ["rubric"])
    assert result.exit_code == 0
    assert all(key in result.output for key in ("[defaults]", "[requirements.<ID>]", "points", "visibility", "drop"))


def test_rubric_show_lists_what_a_folder_is_graded_on(tmp_path):
    """Each check's points and visibility under a rubric, and a total that is the maximum a folder gets."""
    import shutil

    from click.testing import CliRunner

    from flask_conformance.commands.cli import main

    rubric = tmp_path / "rubric.toml"
    rubric.write_text(
        '[defaults]\nvisibility = "hidden"\n[requirements.OPTIONS]\ndrop = true\n'
        '[requirements.WELCOME]\npoints = 10\nvisibility = "visible"\n'
    )
    shown = CliRunner().invoke(main, ["rubric", str(rubric), "--show"])
    assert shown.exit_code == 0
    lines = {line.split()[0]: line.split()[1:3] for line in shown.output.splitlines()[1:-1]}
    assert lines["OPTIONS"] == ["-", "dropped"]
    assert lines["WELCOME"] == ["10", "visible"]
    assert lines["LOGIN-GET"] == ["4", "hidden"]
    total = float(shown.output.splitlines()[-1].split()[1])
    folder = tmp_path / "class"
    shutil.copytree(IMPLEMENTATIONS / "correct" / "blueprint", folder / "ann")
    graded = CliRunner().invoke(main, ["grade", str(folder), "--out", str(tmp_path / "out"), "--rubric", str(rubric)])
    assert graded.exit_code == 0, graded.output
    assert json.loads((tmp_path / "out" / "ann" / "results.json").read_text())["max_score"] == total == 86
