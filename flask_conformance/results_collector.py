"""Collects each spec test's outcome during the run and writes the grade when the session ends."""

from __future__ import annotations

import time

import pytest

from .grader_error import PROPERTY
from .grading import Grade, TestOutcome, grade
from .results_json import write_results
from .rubric import Rubric
from .settings import Settings
from .transport import TIME_RAN_OUT


class ResultsCollector:
    """A plugin object registered only when ``--results`` is given."""

    def __init__(self, settings: Settings, rubric: Rubric) -> None:
        self.settings = settings
        self.rubric = rubric
        self.outcomes: list[TestOutcome] = []
        self.requirement_of: dict[str, str] = {}
        self.load_error = ""
        self.checked: frozenset[str] | None = None
        self.target_description = settings.target or ""
        self.isolation = ""
        self.started = time.monotonic()

    def pytest_collection_modifyitems(self, items: list[pytest.Item]) -> None:
        for item in items:
            marker = item.get_closest_marker("requirement")
            if marker is not None:
                self.requirement_of[item.nodeid] = marker.args[0]

    def pytest_collection_finish(self, session: pytest.Session) -> None:
        """What this run checks, after the profile and ``-m`` deselected the rest: a load error fails only these."""
        self.checked = frozenset(
            self.requirement_of[item.nodeid] for item in session.items if item.nodeid in self.requirement_of
        )

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        requirement_id = self.requirement_of.get(report.nodeid)
        if requirement_id is None or (report.when != "call" and not (report.failed or report.skipped)):
            return
        grader_error = dict(report.user_properties).get(PROPERTY)
        if grader_error is not None:
            self.outcomes.append(TestOutcome(requirement_id, report.nodeid, "grader-error", str(grader_error)))
        elif report.skipped:
            reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else ""
            self.outcomes.append(TestOutcome(requirement_id, report.nodeid, "skipped", str(reason)))
        else:
            self.outcomes.append(TestOutcome(requirement_id, report.nodeid, report.outcome, report.longreprtext))

    def result(self) -> Grade:
        result = grade(
            self.outcomes,
            profile=self.settings.profile,
            rubric=self.rubric,
            target=self.target_description,
            load_error=self.load_error,
            execution_time=time.monotonic() - self.started,
            checked=self.checked,
        )
        if self.isolation:
            result.extra["isolation"] = self.isolation
        ran_out = next((o.requirement_id for o in self.outcomes if TIME_RAN_OUT in o.message), None)
        if ran_out is not None:  # the first check, in the order they ran, that the time limit cut short
            result.extra["time_ran_out_in"] = ran_out
        return result

    @pytest.hookimpl(trylast=True)
    def pytest_sessionfinish(self) -> None:
        assert self.settings.results is not None
        write_results(self.settings.results, self.result())
