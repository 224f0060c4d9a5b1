"""flask-conformance grade: four outputs, exit codes, --resume, JUnit and progress (kill -9: test_killed_graders)."""

from __future__ import annotations

import csv
import io
import json
import shutil

import pytest
from click.testing import CliRunner

from conftest import IMPLEMENTATIONS, ROOT
from flask_conformance.commands import pool, records
from flask_conformance.commands.cli import main

EXAMPLES = ROOT / "examples" / "submissions"
FAST = ["--request-timeout", "1", "--startup-timeout", "3"]


def read_rows(out):
    return list(csv.DictReader((out / "grades.csv").read_text().splitlines()))


def test_grade_writes_four_outputs(small_class, tmp_path):
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["grade", str(small_class), "--out", str(out), "--jobs", "2"])
    assert result.exit_code == 0, result.output
    rows = read_rows(out)
    assert [row["name"] for row in rows] == ["ann", "ben", "cas"]
    assert list(rows[0]) == ["name", "score", "max_score", "passed", "failed", "status", "seconds"]
    assert rows[0]["score"] == rows[0]["max_score"] == "83"
    assert rows[1]["status"] == "graded" and float(rows[1]["score"]) < float(rows[1]["max_score"])
    assert rows[2]["status"].startswith("load-error: cas.py has a syntax error") and rows[2]["score"] == "0"
    for name in ("ann", "ben", "cas"):
        results = json.loads((out / name / "results.json").read_text())
        assert {"score", "max_score", "execution_time", "output", "tests"} <= set(results)
        assert (out / name / "feedback.md").exists() and (out / name / "feedback.html").exists()
    assert [json.loads((out / name / "record.json").read_text())["mistakes"] for name in ("ann", "ben", "cas")] == [
        [],
        ["redirect-status"],
        [],
    ]
    report = (out / "report.html").read_text()
    assert 'id="histogram"' in report and 'id="pass-rates"' in report and 'href="ben/feedback.html"' in report


def test_feedback_tells_the_student_what_to_fix(small_class, tmp_path):
    out = tmp_path / "out"
    CliRunner().invoke(main, ["grade", str(small_class), "--out", str(out)])
    feedback = (out / "ben" / "feedback.md").read_text()
    assert "## To fix" in feedback
    assert "REDIRECT-STATUS" in feedback and "curl -i" in feedback


@pytest.mark.parametrize(
    "arguments", [["grade"], ["grade", "nowhere", "--out", "x"], ["grade", ".", "--out", "x", "--jobs", "0"]]
)
def test_usage_errors_exit_2(arguments):
    assert CliRunner().invoke(main, arguments).exit_code == 2


def test_bad_rubric_is_a_usage_error(small_class, tmp_path):
    rubric = tmp_path / "rubric.toml"
    rubric.write_text("[requirements.NOPE]\npoints = 1\n")
    result = CliRunner().invoke(
        main, ["grade", str(small_class), "--out", str(tmp_path / "o"), "--rubric", str(rubric)]
    )
    assert result.exit_code == 2
    assert "no such requirement" in result.output


def test_resume_skips_finished_submissions(small_class, tmp_path):
    out = tmp_path / "out"
    CliRunner().invoke(main, ["grade", str(small_class), "--out", str(out)])
    before = {name: (out / name / "record.json").read_text() for name in ("ann", "ben", "cas")}
    shutil.copy(IMPLEMENTATIONS / "wrong" / "status_301.py", small_class / "dan.py")
    result = CliRunner().invoke(main, ["grade", str(small_class), "--out", str(out), "--resume"])
    assert result.exit_code == 0
    assert {name: (out / name / "record.json").read_text() for name in before} == before
    assert len((out / "grades.csv").read_text().splitlines()) == 5


def test_bundled_examples_are_graded(tmp_path):
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["grade", str(EXAMPLES), "--out", str(out), "--jobs", "2", *FAST])
    assert result.exit_code == 0, result.output
    rows = {row["name"]: row for row in read_rows(out)}
    assert set(rows) == {path.name for path in EXAMPLES.iterdir()}
    assert rows["alice"]["score"] == rows["alice"]["max_score"]
    assert rows["dave"]["status"].startswith("load-error")
    # A load error fails what the run checks, no more: without --browser, not the browser requirements either.
    assert rows["dave"]["max_score"] == rows["alice"]["max_score"]


def test_resume_never_mixes_settings(small_class, tmp_path):
    """A result graded with another profile (or rubric, examples, kit) is regraded, and the run says so."""
    out = tmp_path / "out"
    CliRunner().invoke(main, ["grade", str(small_class), "--out", str(out), *FAST])
    result = CliRunner().invoke(main, ["grade", str(small_class), "--out", str(out), "--resume", "--profile", "robust"])
    assert result.exit_code == 0
    assert "--resume: regrading 3 submission(s) graded with other settings (profile)" in result.output
    for name in ("ann", "ben", "cas"):
        record = json.loads((out / name / "record.json").read_text())
        assert record["graded_with"]["profile"] == "robust"
        results = json.loads((out / name / "results.json").read_text())
        assert {test["tags"][1] for test in results["tests"]} == {"robust"}


def test_a_grader_failure_costs_no_points_and_asks_for_a_regrade(tmp_path, monkeypatch):
    """Chromium that cannot start is the grader's failure: the browser checks keep their points, the
    submission is marked for a regrade, the report lists it, and the run exits 3."""
    monkeypatch.setenv("FLASK_CONFORMANCE_CHROMIUM", "/bin/false")
    folder = tmp_path / "class"
    shutil.copytree(IMPLEMENTATIONS / "correct" / "blueprint", folder / "ann")
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["grade", str(folder), "--out", str(out), "--browser", *FAST])
    assert result.exit_code == 3, result.output
    assert "1 to regrade (the grader failed on them: ann)" in result.output
    row = read_rows(out)[0]
    assert row["score"] == row["max_score"]
    assert row["status"].startswith("grader-error: The grader could not run this check (Chromium did not start")
    results = json.loads((out / "ann" / "results.json").read_text())
    browser = [test for test in results["tests"] if test["tags"][0].startswith("BROWSER-")]
    assert len(browser) == 2 and all(
        "grader-error" in test["tags"] and test["score"] == test["max_score"] for test in browser
    )
    feedback = (out / "ann" / "feedback.md").read_text()
    assert "## Not yet checked (the grader's fault, not yours)" in feedback
    assert "Needs a regrade" in (out / "report.html").read_text()


def test_the_batch_sleeps_until_a_grading_process_ends(tmp_path, monkeypatch):
    """Woken by the children's pidfds, not by polling: one wake per finished submission, not hundreds."""
    waits = []
    wait = pool._wait_for_any
    monkeypatch.setattr(pool, "_wait_for_any", lambda *given: waits.append(wait(*given)))
    folder = tmp_path / "class"
    folder.mkdir()
    for name in ("ann", "ben", "cas"):
        shutil.copy(IMPLEMENTATIONS / "wrong" / "status_307.py", folder / f"{name}.py")
    result = CliRunner().invoke(main, ["grade", str(folder), "--out", str(tmp_path / "out"), "--jobs", "2", *FAST])
    assert result.exit_code == 0, result.output
    assert len(waits) <= 6, len(waits)


def test_junit_for_the_class(small_class, tmp_path):
    """One suite per submission and one case per requirement, failures as results.json has them."""
    from xml.etree import ElementTree

    out = tmp_path / "out"
    junit = tmp_path / "class.xml"
    result = CliRunner().invoke(main, ["grade", str(small_class), "--out", str(out), "--junit", str(junit), *FAST])
    assert result.exit_code == 0, result.output
    root = ElementTree.parse(junit).getroot()
    suites = {suite.get("name"): suite for suite in root}
    assert set(suites) == {"ann", "ben", "cas"}
    for name, suite in suites.items():
        results = json.loads((out / name / "results.json").read_text())
        failed = {test["name"] for test in results["tests"] if test["status"] == "failed"}
        cases = {case.get("name"): case for case in suite}
        assert set(cases) == {test["name"] for test in results["tests"]}
        assert {name for name, case in cases.items() if case.find("failure") is not None} == failed
        assert suite.get("failures") == str(len(failed))
    failing = [case.get("name", "").split(":")[0] for case in suites["ben"] if case.find("failure") is not None]
    assert failing == ["REDIRECT-STATUS"]


def test_junit_keeps_a_submissions_control_characters_out_of_the_xml(tmp_path):
    from xml.etree import ElementTree

    from flask_conformance.grading.junit_report import write_junit

    (tmp_path / "eve").mkdir()
    test = {"name": "WELCOME: x", "status": "failed", "output": "got \x00\x1b[31m\ud800", "tags": ["WELCOME"]}
    (tmp_path / "eve" / "results.json").write_text(json.dumps({"tests": [test]}))
    record = records.Record("eve", 0, 5, 0, 1, "graded", 1.0)
    write_junit(tmp_path / "class.xml", tmp_path, [record])
    failure = ElementTree.parse(tmp_path / "class.xml").getroot().find("testsuite/testcase/failure")
    assert failure is not None and failure.text == "got \ufffd\ufffd[31m\ufffd"


class _Terminal(io.StringIO):
    def isatty(self):
        return True


def test_progress_on_a_terminal_shows_position_and_the_last_graded():
    from flask_conformance.commands.cli import ProgressBar

    terminal = _Terminal()
    progress = ProgressBar(terminal)
    progress(1, 3, None)  # one kept by --resume
    for done, name in ((2, "ann"), (3, "ben")):
        progress(done, 3, records.Record(name, 1, 2, 1, 1, "graded", 0.1))
    assert "grading" in terminal.getvalue() and "3/3" in terminal.getvalue() and "ben" in terminal.getvalue()


def test_progress_in_a_log_shortens_a_status_at_a_word():
    from flask_conformance.commands.cli import ProgressBar

    log = io.StringIO()
    status = "load-error: " + " ".join(["importing"] * 30)
    ProgressBar(log)(1, 1, records.Record("ann", 0, 5, 0, 5, status, 0.1))
    line = log.getvalue().rstrip("\n")
    assert line.endswith("importing ...") and len(line) < 120
