"""The batch's one pytest session: configured, and the spec collected, once in the warm grader; its test
loop forks a grading process per submission (``pool``), which runs the collected checks against that
submission alone and exits with its files written.

A pytest session per submission configured pytest and collected the spec again in every grading
process: a fifth of what grading one cost the grader. Everything the collection decides is the same for
the whole class (the profile, the rubric, ``-m``); what differs, the target and the journal, is set in
the grading process before its first check (``BatchSession.begin``).
"""

from __future__ import annotations

import contextlib
import os
import sys
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TextIO

import pytest

from ..pytest_plugin.plugin import COLLECTOR, RUBRIC, SETTINGS
from ..pytest_plugin.results_collector import ResultsCollector
from .discovery import Submission
from .grading_run import JOURNAL, BatchOptions, failed_record, finish_grading, spec_arguments
from .pool import Forked, become_grading_process, fork_all, grader_error_exit
from .records import Record, write_record


class BatchSession:
    """The plugin that turns the warm grader's pytest session into the batch: see the module."""

    def __init__(
        self,
        pending: list[Submission],
        out: Path,
        options: BatchOptions,
        graded_with: dict[str, str],
        finish: Callable[[Record], None],
        output: TextIO,
        terminal: TextIO,
    ) -> None:
        self.pending = pending
        self.out = out
        self.options = options
        self.graded_with = graded_with
        self.finish = finish
        self.output = output  # where pytest reports; in a grading process, its grader.log
        self.terminal = terminal  # the batch's own standard output, for its progress
        self.submission: Submission | None = None  # set in a grading process alone
        self.started = 0.0
        self.raised: BaseException | None = None
        self.uncollected = False
        self.finished: set[str] = set()  # the submissions whose record the batch has had

    @pytest.hookimpl(trylast=True)  # after the kit's plugin read the settings and the rubric
    def pytest_configure(self, config: pytest.Config) -> None:
        settings = config.stash[SETTINGS]
        collector = ResultsCollector(settings.profile, config.stash[RUBRIC], settings.target or "")
        config.pluginmanager.register(collector, COLLECTOR)  # it sees the collection, for every grading process

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtestloop(self, session: pytest.Session) -> bool | None:
        if session.testsfailed:  # the spec could not be collected: pytest says why, and nothing is graded
            self.uncollected = True
            return None
        graded = fork_all(self.pending, self.out, self.options, self.graded_with)
        try:
            for record in graded:
                if isinstance(record, Forked):
                    self.begin(session.config, record.submission)
                    return None  # pytest's own loop runs the collected checks, in this grading process alone
                self.finished.add(record.name)
                with contextlib.redirect_stdout(self.terminal):
                    self.finish(record)
        except BaseException as error:  # Ctrl-C, or the gradebook unwritable: pytest would swallow it, so
            self.raised = error  # the batch raises it once pytest is done
        finally:
            graded.close()  # in the batch, after an error: its grading processes killed
        return True

    def begin(self, config: pytest.Config, submission: Submission) -> None:  # pragma: no cover - forked
        """In a grading process, before its first check: its output, its sandbox started, its target."""
        from ..data.limits import Limits
        from ..sandbox.sandbox import prelaunch
        from ..targets.targets import parse_target

        self.submission = submission
        self.started = time.monotonic()
        try:
            become_grading_process()
            folder = self.out / submission.name
            folder.mkdir(parents=True, exist_ok=True)
            with open(folder / "grader.log", "w", encoding="utf-8") as log:
                self.output.flush()
                os.dup2(log.fileno(), self.output.fileno())
            self.output.write(f"flask-conformance: grading {submission.path}\n")
            # Its sandbox starts (the submission imports in it) while pytest sets up the first check, for the
            # spec the target will be opened with (a folder's app may be one folder down), so that the
            # target adopts it.
            spec = parse_target(str(submission.path))[1]
            if spec is not None:
                options = self.options
                prelaunch(
                    spec, Limits(startup_timeout=options.startup_timeout, request_timeout=options.request_timeout)
                )
            results = folder / "results.json"  # written by ``finish_grading``; screenshots beside it
            config.stash[SETTINGS] = replace(
                config.stash[SETTINGS], target=str(submission.path), results=results, artifacts=folder
            )
            _collector(config).begin(str(submission.path), folder / JOURNAL)
        except BaseException as error:
            grader_error_exit(self.out, submission, error)

    @pytest.hookimpl(trylast=True)  # after every other plugin, the collector's journal closed
    def pytest_unconfigure(self, config: pytest.Config) -> None:
        """A grading process's end: its files and record written, then it exits, never returning to the
        batch's code."""
        if self.submission is None:  # the batch's own session ends
            return
        submission = self.submission  # pragma: no cover - forked
        try:  # pragma: no cover - forked
            from ..sandbox.sandbox import close_prelaunched

            record = finish_grading(submission, self.out, _collector(config).result(), time.monotonic() - self.started)
            write_record(self.out, replace(record, graded_with=self.graded_with))
            close_prelaunched()
            with contextlib.suppress(OSError, ValueError):
                self.output.flush()  # the end of grader.log: leaving with os._exit flushes nothing
        except BaseException as error:  # pragma: no cover - forked
            grader_error_exit(self.out, submission, error)
        os._exit(0)  # pragma: no cover - forked


def _collector(config: pytest.Config) -> ResultsCollector:
    """The results collector the batch's session registered (``BatchSession.pytest_configure``)."""
    collector = config.pluginmanager.get_plugin(COLLECTOR)
    assert isinstance(collector, ResultsCollector)
    return collector


def grade_in_one_session(
    pending: list[Submission],
    out: Path,
    options: BatchOptions,
    graded_with: dict[str, str],
    finish: Callable[[Record], None],
) -> None:
    """Grade ``pending`` in the batch's session, calling ``finish`` with each record as it comes. Ctrl-C is
    raised here once the grading processes are killed; a submission the session never graded (the spec
    itself broken) is recorded as the grader's failure, to regrade."""
    if not pending:
        return
    batch = os.getpid()
    with open(os.devnull, "w", encoding="utf-8") as output:
        session = BatchSession(pending, out, options, graded_with, finish, output, terminal=sys.stdout)
        try:
            with contextlib.redirect_stdout(output):
                code = pytest.main(spec_arguments(pending[0].path, options), plugins=[session])
        finally:
            if os.getpid() != batch:  # a grading process that left pytest without exiting: never the batch's code
                os._exit(1)
    if session.raised is not None:
        raise session.raised
    if code == pytest.ExitCode.INTERRUPTED and not session.uncollected:  # Ctrl-C before the first fork
        raise KeyboardInterrupt
    for submission in pending:
        if submission.name not in session.finished:
            reason = f"grader-error: the grader's pytest session ended before grading it (pytest exit code {code})"
            record = failed_record(submission, out, options, reason, 0.0, graded_with, grader_fault=True)
            write_record(out, record)
            finish(record)
