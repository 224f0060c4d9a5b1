"""The batch's one pytest session: the spec configured and collected once, each grading process forked
from it with its own submission, its own log, and its own failure."""

from __future__ import annotations

import csv
import json
import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import ROOT, process_stat, processes
from flask_conformance.commands import batch_session
from flask_conformance.commands.cli import GRADER_ERROR_EXIT, main
from flask_conformance.pytest_plugin.results_collector import ResultsCollector

FAST = ["--request-timeout", "1", "--startup-timeout", "3", "--jobs", "2"]


def read_rows(out):
    return {row["name"]: row for row in csv.DictReader((out / "grades.csv").read_text().splitlines())}


@pytest.fixture
def a_class(small_class):
    """The small class, and the lesson's own app (dan)."""
    shutil.copy(ROOT / "reference_app" / "lesson" / "app.py", small_class / "dan.py")
    return small_class


def test_the_spec_is_collected_once_for_the_whole_class(a_class, tmp_path, monkeypatch):
    """Collected in the batch's own process, never again in a grading process: configuring pytest and
    collecting the spec were a fifth of what grading a submission cost. Seen failing: a pytest session
    per submission collected four times, in four processes."""
    collections = tmp_path / "collections"
    collection_finish = ResultsCollector.pytest_collection_finish

    def noted(self, session):
        with collections.open("a") as note:
            note.write(f"{os.getpid()}\n")
        collection_finish(self, session)

    monkeypatch.setattr(ResultsCollector, "pytest_collection_finish", noted)
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["grade", str(a_class), "--out", str(out), *FAST])
    assert result.exit_code == 0, result.output
    assert collections.read_text().split() == [str(os.getpid())]
    rows = read_rows(out)
    assert {name: row["score"] for name, row in rows.items()} == {"ann": "83", "ben": "69", "cas": "0", "dan": "73"}


def test_each_grading_process_logs_its_own_run(a_class, tmp_path):
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["grade", str(a_class), "--out", str(out), *FAST])
    assert result.exit_code == 0, result.output
    logs = {name: (out / name / "grader.log").read_text() for name in ("ann", "ben", "cas", "dan")}
    for name, log in logs.items():
        graded = [line for line in log.splitlines() if line.startswith("flask-conformance: grading ")]
        assert len(graded) == 1 and graded[0].endswith(f"{os.sep}{name}" + ("" if name == "ann" else ".py")), log
    assert logs["ann"].splitlines()[-1].startswith("35 passed, 40 deselected in ")  # pytest's last line, flushed
    assert logs["ben"].splitlines()[-1].startswith("2 failed, 29 passed, 4 skipped, 40 deselected in ")
    assert "flask-conformance: cannot load" in logs["cas"] and "syntax error" in logs["cas"]


def test_a_grading_process_that_fails_before_its_checks_costs_only_its_own_grade(a_class, tmp_path, monkeypatch):
    """Its sandbox would not start: the grader's failure, to regrade, at no cost to the student; the
    classmates graded beside it keep their grades."""
    from flask_conformance.sandbox import sandbox

    prelaunch = sandbox.prelaunch

    def failing_for_ben(spec, limits):
        if "ben" in str(spec.path):
            raise OSError("no workspace could be made")
        prelaunch(spec, limits)

    monkeypatch.setattr(sandbox, "prelaunch", failing_for_ben)
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["grade", str(a_class), "--out", str(out), *FAST])
    assert result.exit_code == GRADER_ERROR_EXIT, result.output
    rows = read_rows(out)
    assert rows["ben"]["status"].startswith("grader-error: OSError: no workspace could be made")
    assert rows["ben"]["score"] == rows["ben"]["max_score"]
    assert {name: row["score"] for name, row in rows.items() if name != "ben"} == {"ann": "83", "cas": "0", "dan": "73"}
    results = json.loads((out / "ben" / "results.json").read_text())
    assert all("grader-error" in test["tags"] for test in results["tests"])


@pytest.mark.parametrize(("broken", "code"), [("a path pytest cannot find", 4), ("a test file that cannot import", 2)])
def test_a_session_that_grades_nobody_records_everyone_for_a_regrade(a_class, tmp_path, monkeypatch, broken, code):
    """The spec itself broken: no submission is lost or failed for it, and a collection error is not taken
    for Ctrl-C (pytest ends both as interrupted). Seen failing: the batch said it was interrupted."""
    path = tmp_path / "test_broken.py"
    if broken == "a test file that cannot import":
        path.write_text("import no_such_module\n")
    arguments = batch_session.spec_arguments
    monkeypatch.setattr(batch_session, "spec_arguments", lambda *given: [*arguments(*given), str(path)])
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["grade", str(a_class), "--out", str(out), *FAST])
    assert result.exit_code == GRADER_ERROR_EXIT, result.output
    rows = read_rows(out)
    assert set(rows) == {"ann", "ben", "cas", "dan"}
    for row in rows.values():
        assert row["status"] == (
            f"grader-error: the grader's pytest session ended before grading it (pytest exit code {code})"
        ), row
        assert row["score"] == row["max_score"]


def test_a_crash_of_pytest_itself_in_a_grading_process_costs_the_student_nothing(a_class, tmp_path, monkeypatch):
    """The kit failing inside a pytest hook (here, writing a failure's text) ends that process's session
    with an INTERNALERROR: the checks that finished keep their result, the rest are the grader's failure,
    to regrade at no cost (POLICY.md), never "did not run" and failed."""
    from flask_conformance.targets import failure_text

    monkeypatch.setattr(failure_text, "failure_text", lambda *given: 1 / 0)
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["grade", str(a_class), "--out", str(out), *FAST])
    assert result.exit_code == GRADER_ERROR_EXIT, result.output
    rows = read_rows(out)
    assert rows["ben"]["status"].startswith("grader-error: "), rows["ben"]
    assert rows["ben"]["score"] == rows["ben"]["max_score"]
    results = json.loads((out / "ben" / "results.json").read_text())
    assert not [test for test in results["tests"] if test["status"] == "failed"], results["tests"]
    assert {name: row["score"] for name, row in rows.items() if name != "ben"} == {"ann": "83", "cas": "0", "dan": "73"}


def test_an_error_of_the_batch_itself_is_raised_not_swallowed_by_pytest(a_class, tmp_path, monkeypatch):
    """The batch's loop runs inside pytest, which would end the session quietly on an exception of the
    batch's own (here, grades.csv cannot be written): it is raised once pytest is done, the grader says so
    and exits 1, and no grading process is left running. Seen failing: with the error left to pytest, the
    batch went on and exited 3, every submission "to regrade"."""
    from flask_conformance.commands import batch

    calls = []

    def unwritable(out, records):  # once: a batch that swallowed it would write it fine at its end
        calls.append(out)
        if len(calls) == 1:
            raise OSError(28, "No space left on device")

    monkeypatch.setattr(batch, "write_grades_csv", unwritable)
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["grade", str(a_class), "--out", str(out), *FAST])
    assert result.exit_code == 1, result.output
    assert "the grader failed: OSError: [Errno 28] No space left on device" in result.output
    assert grading_processes() == []


def grading_processes():
    """This process's children forked from it (their command line is its own): grading processes."""
    own = Path("/proc/self/cmdline").read_bytes()
    found = []
    for entry in processes():
        try:
            if process_stat(entry)[1] == str(os.getpid()) and (entry / "cmdline").read_bytes() == own:
                found.append(int(entry.name))
        except OSError:
            continue
    return found
