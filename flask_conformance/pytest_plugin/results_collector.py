"""Collects each spec test's outcome during the run and writes the grade when the session ends.

With a journal, every outcome is also written down the moment it is known, so that a grading process
killed mid-run (the batch's time limit, a crash) loses none of the checks that finished: ``replay``
rebuilds the collector from the journal and fails, or marks for a regrade, only what had not finished.
"""

from __future__ import annotations

import json
import time
from dataclasses import asdict
from pathlib import Path
from typing import TextIO

import pytest

from ..data.grader_error import PROPERTY
from ..grading.grading import NOT_RUN, Grade, TestOutcome, grade
from ..grading.results_json import write_results
from ..reading.rubric import Rubric
from ..transports.transport import TIME_RAN_OUT

# What a check that never finished says when pytest itself stopped with an INTERNALERROR: a regrade, at no cost.
INTERNAL_ERROR = "pytest or the kit failed with an internal error, shown in the run's output"


class ResultsCollector:
    """A plugin object registered when ``--results`` is given, or by the batch's session for its grading
    processes (``begin``)."""

    def __init__(
        self, profile: str, rubric: Rubric, target: str, results: Path | None = None, results_format: str = "gradescope"
    ) -> None:
        self.profile = profile
        self.rubric = rubric
        self.results = results
        self.results_format = results_format
        self.outcomes: list[TestOutcome] = []
        self.requirement_of: dict[str, str] = {}
        self.selected: dict[str, str] = {}  # nodeid -> requirement, of the tests this run selected
        self.started: list[str] = []
        self.load_error = ""
        self.checked: frozenset[str] | None = None
        self.target_description = target
        self.isolation = ""
        self.started_at = time.monotonic()
        self._journal: TextIO | None = None

    def begin(self, target: str, journal: Path) -> None:
        """Grade ``target`` from now on, journaled: in a grading process forked from the batch's session,
        which collected the spec once (``commands/batch_session``), before any of its checks runs."""
        self.target_description = target
        self.started_at = time.monotonic()
        self._journal = open(journal, "w", encoding="utf-8")  # noqa: SIM115 - open for the whole run
        self._write(selected=self.selected)

    def _write(self, **entry: object) -> None:
        if self._journal is not None:
            self._journal.write(json.dumps(entry) + "\n")
            self._journal.flush()

    def pytest_collection_modifyitems(self, items: list[pytest.Item]) -> None:
        for item in items:
            marker = item.get_closest_marker("requirement")
            if marker is not None:
                self.requirement_of[item.nodeid] = marker.args[0]

    def pytest_collection_finish(self, session: pytest.Session) -> None:
        """What this run checks, after the profile and ``-m`` deselected the rest: a load error fails only these."""
        mine = [item.nodeid for item in session.items if item.nodeid in self.requirement_of]
        self.selected = {nodeid: self.requirement_of[nodeid] for nodeid in mine}
        self.checked = frozenset(self.selected.values())
        self._write(selected=self.selected)

    def pytest_runtest_logstart(self, nodeid: str) -> None:
        if nodeid in self.selected:
            self.started.append(nodeid)
            self._write(started=nodeid, target=self.target_description, isolation=self.isolation)

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        requirement_id = self.requirement_of.get(report.nodeid)
        if requirement_id is None or (report.when != "call" and not (report.failed or report.skipped)):
            return
        grader_error = dict(report.user_properties).get(PROPERTY)
        if grader_error is not None:
            outcome = TestOutcome(requirement_id, report.nodeid, "grader-error", str(grader_error))
        elif report.skipped:
            reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else ""
            outcome = TestOutcome(requirement_id, report.nodeid, "skipped", str(reason))
        else:
            outcome = TestOutcome(requirement_id, report.nodeid, report.outcome, report.longreprtext)
        self.outcomes.append(outcome)
        self._write(outcome=asdict(outcome))

    def finish_unfinished(self, outcome: str, reason: str) -> None:
        """The run was cut short. As the submission's fault (``failed``), the test it was in gets ``reason``
        and the tests after it did not run; as the grader's (``grader-error``), every one of them gets it."""
        reported = {outcome.nodeid for outcome in self.outcomes}
        in_progress = next((nodeid for nodeid in reversed(self.started) if nodeid not in reported), None)
        for nodeid, requirement_id in self.selected.items():
            if nodeid in reported:
                continue
            if outcome == "grader-error":
                message = reason
            elif reason and nodeid == in_progress:
                message = f"{requirement_id}: {reason}; it was still running when the grading process was stopped."
            else:
                message = NOT_RUN.format(requirement=requirement_id)
            self.outcomes.append(TestOutcome(requirement_id, nodeid, outcome, message))

    def result(self) -> Grade:
        self.finish_unfinished("failed", "")  # -x, or a run cut short: what never reported did not run
        result = grade(
            self.outcomes,
            profile=self.profile,
            rubric=self.rubric,
            target=self.target_description,
            load_error=self.load_error,
            execution_time=time.monotonic() - self.started_at,
            checked=self.checked,
        )
        if self.isolation:
            result.extra["isolation"] = self.isolation
        ran_out = next((o.requirement_id for o in self.outcomes if TIME_RAN_OUT in o.message), None)
        if ran_out is not None:  # the first check, in the order they ran, that the time limit cut short
            result.extra["time_ran_out_in"] = ran_out
        return result

    @pytest.hookimpl(trylast=True)
    def pytest_sessionfinish(self, exitstatus: int) -> None:
        if exitstatus == pytest.ExitCode.INTERNAL_ERROR:  # the kit or pytest failed, not the submission
            self.finish_unfinished("grader-error", INTERNAL_ERROR)
        if self._journal is not None:
            self._journal.close()
        if self.results is not None:
            write_results(self.results, self.result(), self.results_format)


def replay(journal: Path, profile: str, rubric: Rubric, target: str) -> ResultsCollector | None:
    """The collector of a run that was killed, as its journal left it; None when it selected nothing yet."""
    collector = ResultsCollector(profile, rubric, target)
    try:
        lines = journal.read_text(encoding="utf-8").splitlines()
    except OSError:
        return None
    for line in lines:
        try:
            entry = json.loads(line)
        except ValueError:  # the line being written when the process died
            break
        if "selected" in entry:
            collector.selected = entry["selected"]
            collector.checked = frozenset(collector.selected.values())
        elif "started" in entry:
            collector.started.append(entry["started"])
            collector.target_description = entry["target"]
            collector.isolation = entry["isolation"]
        elif "outcome" in entry:
            collector.outcomes.append(TestOutcome(**entry["outcome"]))
    return collector if collector.selected else None
