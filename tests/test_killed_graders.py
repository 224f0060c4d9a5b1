"""Grading processes killed or crashed mid-grade: what finished is kept, and the rest is said plainly.

These kill processes that hold sandboxes, so under pytest-xdist they run on the worker that builds the
hostile class (``MACHINE_WIDE`` in conftest.py), never beside its count of what a grade leaves behind.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time

import pytest
from click.testing import CliRunner
from test_batch import FAST, read_rows

from conftest import IMPLEMENTATIONS, ROOT
from flask_conformance.commands import batch_session
from flask_conformance.commands.cli import main


def test_kill_9_loses_nothing_finished(tmp_path):
    folder = tmp_path / "class"
    folder.mkdir()
    for index in range(6):
        shutil.copy(IMPLEMENTATIONS / "correct" / "factory.py", folder / f"s{index}.py")
    shutil.copy(IMPLEMENTATIONS / "broken" / "import_hangs.py", folder / "zz_hangs.py")
    out = tmp_path / "out"
    command = [sys.executable, "-m", "flask_conformance", "grade", *FAST, str(folder), "--out", str(out), "--jobs", "1"]
    grader = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not (out / "s2" / "record.json").exists():
        time.sleep(0.05)
    os.kill(grader.pid, signal.SIGKILL)
    grader.wait()
    finished = {path.parent.name: path.read_text() for path in out.glob("*/record.json")}
    assert {"s0", "s1", "s2"} <= set(finished)
    for name, text in finished.items():
        assert json.loads(text)["name"] == name
        results = json.loads((out / name / "results.json").read_text())
        assert results["score"] == results["max_score"] > 0
    rows = read_rows(out)
    assert {row["name"] for row in rows} >= {"s0", "s1"}
    result = CliRunner().invoke(main, ["grade", str(folder), "--out", str(out), "--resume", "--jobs", "2", *FAST])
    assert result.exit_code == 0
    assert {name: (out / name / "record.json").read_text() for name in finished} == finished
    assert len(read_rows(out)) == 7


@pytest.mark.parametrize("limit", ["soft", "hard"])
def test_a_submission_out_of_time_keeps_what_finished(tmp_path, monkeypatch, limit):
    """The batch's time limit stops a slow submission between requests (soft) or kills its grading process
    mid-check (hard): either way the checks that finished keep their points, the feedback names the check
    the time ran out in, and the status says timeout."""
    if limit == "hard":  # no time limit inside the run: only the batch's kill stops it
        arguments = batch_session.spec_arguments

        def without_time_limit(*given):
            spec = arguments(*given)
            at = spec.index("--time-limit")
            return spec[:at] + spec[at + 2 :]

        monkeypatch.setattr(batch_session, "spec_arguments", without_time_limit)
    folder = tmp_path / "class"
    folder.mkdir()
    shutil.copy(IMPLEMENTATIONS / "broken" / "slow_pages.py", folder / "slow.py")
    out = tmp_path / "out"
    # Its pages take 0.5 s: a request timeout well above that, so that a loaded machine does not take a
    # slow page for a hung route, which fails every later page at once and finishes in time (seen in CI:
    # with the 1 s of FAST, the grade was "graded", not a timeout).
    patient = ["--request-timeout", "4", "--startup-timeout", "10", "--timeout", "12"]
    result = CliRunner().invoke(main, ["grade", str(folder), "--out", str(out), *patient])
    assert result.exit_code == 0, result.output
    row = read_rows(out)[0]
    assert row["status"].startswith("timeout: the time limit ran out during ")
    assert 0 < float(row["score"]) < float(row["max_score"])
    requirement_id = row["status"].split("during ")[1].split(";")[0]
    results = json.loads((out / "slow" / "results.json").read_text())
    by_id = {test["tags"][0]: test for test in results["tests"]}
    assert (
        by_id[requirement_id]["status"] == "failed" and "ran out before this check" in by_id[requirement_id]["output"]
    )
    assert by_id["LOGIN-GET"]["status"] == "passed"
    if limit == "hard":
        assert sum(test["status"] == "failed" and "did not run" in test["output"] for test in results["tests"]) >= 1
    feedback = (out / "slow" / "feedback.md").read_text()
    assert f"Your app used up the grader's time during {requirement_id}" in feedback


def test_a_grading_process_that_crashes_keeps_what_finished(tmp_path, monkeypatch):
    """The kit's own crash mid-run is the grader's fault: the checks that finished keep their result, the
    rest cost nothing and are marked for a regrade, and the run exits 3."""
    from flask_conformance.pytest_plugin.results_collector import ResultsCollector

    collect = ResultsCollector.pytest_runtest_logreport

    def crash_after_twenty(self, report):
        collect(self, report)
        if len(self.outcomes) == 20:
            os._exit(70)

    monkeypatch.setattr(ResultsCollector, "pytest_runtest_logreport", crash_after_twenty)
    folder = tmp_path / "class"
    folder.mkdir()
    shutil.copy(IMPLEMENTATIONS / "wrong" / "status_307.py", folder / "ben.py")
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["grade", str(folder), "--out", str(out), *FAST])
    assert result.exit_code == 3, result.output
    row = read_rows(out)[0]
    assert row["status"].startswith("grader-error: The grader could not run this check (the grading process ended")
    results = json.loads((out / "ben" / "results.json").read_text())
    regrade = [test["tags"][0] for test in results["tests"] if "grader-error" in test["tags"]]
    finished = [test for test in results["tests"] if "grader-error" not in test["tags"]]
    # status_307.py fails only REDIRECT-STATUS, which runs after the crash: not failed, to be regraded
    assert finished and all(test["status"] == "passed" for test in finished) and "REDIRECT-STATUS" in regrade
    assert float(row["score"]) == float(row["max_score"])
