"""--results-format prairielearn: PrairieLearn's external-grader results.json, as its documentation defines it
(docs/externalGrading.md, "Grading results"), for one submission graded in one container."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from conftest import IMPLEMENTATIONS, ROOT

# The fields PrairieLearn's documentation names, at the top and in each test.
TOP = {"gradable", "score", "message", "output", "images", "tests", "format_errors"}
TEST = {"name", "description", "points", "max_points", "message", "output", "images"}


def check(target, tmp_path):
    results = tmp_path / "results.json"
    command = [sys.executable, "-m", "flask_conformance", "check", str(target)]
    command += ["--results", str(results), "--results-format", "prairielearn", "-m", "not browser", "-q"]
    subprocess.run(command, cwd=tmp_path, capture_output=True, check=False, timeout=120)
    return json.loads(results.read_text())


def assert_documented(results):
    assert set(results) <= TOP, set(results) - TOP
    assert isinstance(results["gradable"], bool) and isinstance(results.get("message", ""), str)
    for test in results.get("tests", []):
        assert set(test) <= TEST and {"name", "points", "max_points"} <= set(test)
        assert 0 <= test["points"] <= test["max_points"]


@pytest.mark.parametrize(
    ("target", "score"), [(ROOT / "reference_app" / "lesson", 1.0), (IMPLEMENTATIONS / "wrong" / "status_307.py", None)]
)
def test_a_graded_submission_has_a_score_from_0_to_1_and_its_tests(tmp_path, target, score):
    results = check(target, tmp_path)
    assert_documented(results)
    assert results["gradable"] is True
    points = sum(test["points"] for test in results["tests"])
    most = sum(test["max_points"] for test in results["tests"])
    assert results["score"] == round(points / most, 4)
    if score is not None:
        assert results["score"] == score
    else:  # a 307 costs REDIRECT-STATUS and nothing else
        assert [test["name"] for test in results["tests"] if test["points"] < test["max_points"]] == ["REDIRECT-STATUS"]
        assert "302 Found or 303 See Other" in next(t["output"] for t in results["tests"] if t["points"] == 0)


def test_an_app_that_cannot_load_is_not_gradable_and_says_why(tmp_path):
    results = check(IMPLEMENTATIONS / "broken" / "syntax_error.py", tmp_path)
    assert_documented(results)
    assert results["gradable"] is False and "score" not in results
    assert (
        len(results["format_errors"]) == 1
        and "syntax_error.py has a syntax error at line 4" in results["format_errors"][0]
    )


def test_an_unknown_format_is_a_usage_error(pytester):
    result = pytester.runpytest_subprocess("-p", "flask_conformance.pytest_plugin.plugin", "--results-format", "moodle")
    assert result.ret == 4
    result.stderr.fnmatch_lines(["*--results-format: invalid results_format_name value: 'moodle'*"])
