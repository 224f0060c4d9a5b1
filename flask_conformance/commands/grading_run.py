"""A batch's grading runs: their options and the spec's arguments, a submission's files written from its grade,
and the grade of one whose grading process never finished."""

from __future__ import annotations

import contextlib
import os
import resource
from dataclasses import dataclass, replace
from pathlib import Path

import pytest

from ..data.atomic_file import write_atomically
from ..grading.feedback import feedback_html, feedback_markdown
from ..grading.grading import Grade, TestOutcome, grade
from ..grading.results_json import write_results
from ..pytest_plugin.plugin import PLUGIN, SPEC_DIRECTORY
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


def spec_arguments(target: Path, options: BatchOptions) -> list[str]:
    """The batch's one pytest session (``batch_session``): the spec, configured and collected with these
    options in the warm grader, then run in each grading process against its own submission. ``target`` is
    the first one, which the session's configuration checks names a submission."""
    arguments = [
        *SPEC_RUN,
        # Each grading process its own captured output, in memory: pytest's files for capturing descriptors
        # would be one file, opened once in the warm grader, shared by every grading process running at once.
        "--capture=sys",
        # A failed check's text is the kit's own (plugin.pytest_runtest_makereport): pytest's traceback of it,
        # with the source of every frame, was formatted only to be replaced, a tenth of a grading process.
        "--tb=line",
        "-p",
        PLUGIN,
        "--target",
        str(target),
        "--conformance-profile",
        options.profile,
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


def finish_grading(submission: Submission, out: Path, result: Grade, seconds: float) -> Record:
    """One submission's files, from the grade its grading process's run gave: results.json and the feedback
    as its student reads them."""
    folder = out / submission.name
    result = for_students(result)
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
    it fail as not run. Without a journal, nothing ran: every check fails with the reason, or, when the
    grader is at fault, is marked for a regrade.
    """
    from ..data.requirements import checked_ids
    from ..reading.rubric import load_rubric

    rubric = load_rubric(options.rubric)
    reason = status.split(": ", 1)[-1]
    collector = replay(out / submission.name / JOURNAL, options.profile, rubric, str(submission.path))
    if collector is None:
        checked = checked_ids(options.profile, browser=options.browser)
        # Nothing ran. Through the grader's fault (its sandbox would not start, its session ended first):
        # every check to regrade, at no cost (POLICY.md); through the submission's, every check failed.
        outcomes = [TestOutcome(rid, rid, "grader-error", reason) for rid in sorted(checked)] if grader_fault else []
        result = grade(
            outcomes,
            profile=options.profile,
            rubric=rubric,
            target=str(submission.path),
            load_error="" if grader_fault else reason,
            execution_time=seconds,
            checked=checked,
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


def warm_up(examples: int = 1) -> None:
    """Import what every grading child needs once, here, so that each fork starts warm. ``examples``: the
    batch's, so that Hypothesis has built here the caches its draws use (the constants a string may be
    drawn from, for each alphabet and size: a twentieth of a grading process, computed in every one)."""
    from ..pytest_plugin import plugin  # noqa: F401
    from ..sandbox import sandbox  # noqa: F401
    from ..targets import failure_text, targets  # noqa: F401

    # failure_text: what a failed check imports. Imported in a grading process, it was a module new to
    # Hypothesis, whose constants (of a checkout's modules, not an installed kit's) it then adds to what
    # it draws from, recomputing its cache of them: a tenth of that process's CPU.

    # A whole run, not just collection: what Flask and Werkzeug import lazily on a first request is then
    # imported here once, instead of in every sandboxed child. Not the browser's checks: starting Chromium
    # here warms nothing a fork could share, and costs two seconds a batch.
    arguments = [
        *SPEC_RUN,
        "-m",
        "not browser",
        "--in-process",
        "--examples",
        str(examples),
        "--target",
        "reference_app.lesson.app:app",
    ]
    with open(os.devnull, "w") as null, contextlib.redirect_stdout(null):
        pytest.main(arguments)
    # The feedback's templates compiled, and markdown-it's rules built, once here: in each grading process
    # they were two thirds of writing its files.
    from ..reading.rubric import Rubric

    warm = grade([], profile=BatchOptions.profile, rubric=Rubric(), target="warm-up", load_error="warm-up")
    feedback_html("warm-up", feedback_markdown("warm-up", warm))
