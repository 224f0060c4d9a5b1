"""One submission's grading run: the spec in this process, journaled, and its files written."""

from __future__ import annotations

import contextlib
import os
import resource
import time
from dataclasses import dataclass, replace
from pathlib import Path

import pytest

from ..data.atomic_file import write_atomically
from ..grading.feedback import feedback_html, feedback_markdown
from ..grading.grading import Grade, grade
from ..grading.results_json import write_results
from ..pytest_plugin.plugin import COLLECTOR, PLUGIN, SPEC_DIRECTORY
from ..pytest_plugin.results_collector import replay
from ..transports import loading
from ..transports.transport import time_ran_out
from .discovery import Submission
from .records import Record, status_of

JOURNAL = "journal.jsonl"  # each submission's outcomes as they came, for a grading process killed mid-run


@dataclass(frozen=True)
class BatchOptions:
    profile: str = "tutorial"
    rubric: Path | None = None
    jobs: int = os.cpu_count() or 1
    resume: bool = False
    timeout: float = 120.0
    examples: int = 25
    request_timeout: float = 5.0
    startup_timeout: float = 10.0
    browser: bool = False


def grading_settings(options: BatchOptions) -> dict[str, str]:
    """What a grade depends on besides the submission: a result graded otherwise is not reused by --resume."""
    import hashlib
    from importlib.metadata import PackageNotFoundError, version

    from ..pytest_plugin.plugin import HYPOTHESIS_PROFILE

    try:
        kit = version("flask-conformance")
    except PackageNotFoundError:  # a checkout run without installing it
        kit = "unknown"

    rubric = hashlib.sha256(options.rubric.read_bytes()).hexdigest()[:16] if options.rubric else "none"
    return {
        "kit": kit,
        "profile": options.profile,
        "rubric": rubric,
        "examples": str(options.examples),
        "browser": str(options.browser),
        "hypothesis": f"{HYPOTHESIS_PROFILE}, derandomized",
    }


# The spec asserts nothing itself (checks fail through Client.fail), so no assertion rewriting, and with it
# no warning that modules the warm grader imported cannot be rewritten; no cache written beside the spec.
SPEC_RUN = (str(SPEC_DIRECTORY), "-q", "--assert=plain", "-p", "no:cacheprovider")


def spec_arguments(submission: Path, results: Path, options: BatchOptions) -> list[str]:
    arguments = [
        *SPEC_RUN,
        "-p",
        PLUGIN,
        "--target",
        str(submission),
        "--conformance-profile",
        options.profile,
        "--results",
        str(results),
        "--examples",
        str(options.examples),
        "--request-timeout",
        str(options.request_timeout),
        "--startup-timeout",
        str(options.startup_timeout),
        # Within the batch's hard limit, so that a slow submission still writes the checks it finished.
        "--time-limit",
        str(max(1.0, options.timeout * 0.8 - options.request_timeout)),
    ]
    if options.rubric is not None:
        arguments += ["--rubric", str(options.rubric)]
    if not options.browser:
        arguments += ["-m", "not browser"]
    return arguments


class _GradeCatcher:
    """Journals the run as it goes and keeps the grade the results collector computed at the end."""

    def __init__(self, journal: Path) -> None:
        self.journal = journal
        self.grade: Grade | None = None

    @pytest.hookimpl(trylast=True)  # after the plugin registered the collector
    def pytest_configure(self, config: pytest.Config) -> None:
        collector = config.pluginmanager.get_plugin(COLLECTOR)
        if collector is not None:
            collector.journal_to(self.journal)

    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        collector = session.config.pluginmanager.get_plugin(COLLECTOR)
        if collector is not None:
            self.grade = collector.result()


def grade_one(submission: Submission, out: Path, options: BatchOptions) -> Record:
    """Run the spec against one submission in this process and write its files."""
    folder = out / submission.name
    folder.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    catcher = _GradeCatcher(folder / JOURNAL)
    with open(folder / "grader.log", "w", encoding="utf-8") as log, contextlib.redirect_stdout(log):
        pytest.main(spec_arguments(submission.path, folder / "results.json", options), plugins=[catcher])
    seconds = time.monotonic() - started
    if catcher.grade is None:
        raise RuntimeError("the spec run ended without a grade; see grader.log")
    result = for_students(catcher.grade)
    write_results(folder / "results.json", result)
    write_feedback(folder, submission.name, result)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return Record.of(submission.name, result, status_of(result), seconds, peak_memory_mb=round(peak, 1))


def write_feedback(folder: Path, name: str, result: Grade) -> None:
    """feedback.md, and feedback.html beside it: the same text, rendered, for a browser to open."""
    markdown = feedback_markdown(name, result)
    write_atomically(folder / "feedback.md", markdown)
    write_atomically(folder / "feedback.html", feedback_html(name, markdown))


def for_students(grade: Grade) -> Grade:
    """The grade as a student reads it: a load error without the advice for a user of the command line."""
    checks = tuple(
        replace(check, messages=tuple(loading.for_students(message) for message in check.messages))
        for check in grade.checks
    )
    return replace(grade, load_error=loading.for_students(grade.load_error), checks=checks)


def failed_record(
    submission: Submission,
    out: Path,
    options: BatchOptions,
    status: str,
    seconds: float,
    graded_with: dict[str, str],
    *,
    grader_fault: bool = False,
) -> Record:
    """A submission whose grading process never finished (killed at the time limit, or crashed).

    The checks its journal shows finished keep their result; the one it was in fails with the reason (or,
    when the grader is at fault, is marked for a regrade like every check after it), and the ones after
    it fail as not run. Without a journal, nothing ran: every check fails with the reason.
    """
    from ..data.requirements import checked_ids
    from ..reading.rubric import load_rubric

    rubric = load_rubric(options.rubric)
    reason = status.split(": ", 1)[-1]
    collector = replay(out / submission.name / JOURNAL, options.profile, rubric, str(submission.path))
    if collector is None:
        result = grade(
            [],
            profile=options.profile,
            rubric=rubric,
            target=str(submission.path),
            load_error=reason,
            execution_time=seconds,
            checked=checked_ids(options.profile, browser=options.browser),
        )
    else:
        if grader_fault:
            collector.finish_unfinished("grader-error", reason)
        else:
            collector.finish_unfinished("failed", time_ran_out(options.timeout))
        result = replace(collector.result(), execution_time=seconds)
        status = status_of(result, status)
    folder = out / submission.name
    write_results(folder / "results.json", result)
    write_feedback(folder, submission.name, result)
    return Record.of(submission.name, result, status, seconds, graded_with=graded_with)


def warm_up() -> None:
    """Import what every grading child needs once, here, so that each fork starts warm."""
    from ..pytest_plugin import plugin  # noqa: F401
    from ..sandbox import sandbox  # noqa: F401
    from ..targets import targets  # noqa: F401

    # A whole run, not just collection: what Flask and Werkzeug import lazily on a first request is then
    # imported here once, instead of in every sandboxed child. Not the browser's checks: starting Chromium
    # here warms nothing a fork could share, and costs two seconds a batch.
    arguments = [
        *SPEC_RUN,
        "-m",
        "not browser",
        "--in-process",
        "--examples",
        "1",
        "--target",
        "reference_app.lesson.app:app",
    ]
    with open(os.devnull, "w") as null, contextlib.redirect_stdout(null):
        pytest.main(arguments)
