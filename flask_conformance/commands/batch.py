"""Batch grading: every submission in a folder, each in a grading child forked from a warm grader.

The grader imports pytest, Flask, Hypothesis and the spec once; each submission
is graded in a child forked from it, which runs the spec with the submission
as a sandboxed target and writes its results atomically. A submission that
takes too long is killed and recorded as a timeout. grades.csv is rewritten
after every submission, so an interruption loses nothing already finished.
"""

from __future__ import annotations

import contextlib
import csv
import gc
import io
import json
import os
import re
import resource
import select
import shutil
import signal
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

import pytest

from ..data.atomic_file import write_atomically
from ..grading.feedback import feedback_markdown
from ..grading.grading import Grade, grade
from ..grading.results_json import write_results
from ..pytest_plugin.plugin import COLLECTOR, PLUGIN, SPEC_DIRECTORY
from ..pytest_plugin.results_collector import replay
from ..transports.transport import time_ran_out

JOURNAL = "journal.jsonl"  # each submission's outcomes as they came, for a grading process killed mid-run
CSV_COLUMNS = ("name", "score", "max_score", "passed", "failed", "status", "seconds")
SKIPPED_ENTRIES = re.compile(r"^(\.|__pycache__$|__MACOSX$|.*\.pyc$)")  # dot entries, caches, a Mac zip's extras


@dataclass(frozen=True)
class Submission:
    name: str
    path: Path


@dataclass
class Record:
    """What grades.csv says of one submission. ``status`` is ``graded``, or a word and the reason."""

    name: str
    score: float
    max_score: float
    passed: int
    failed: int
    status: str
    seconds: float
    peak_memory_mb: float = 0.0
    graded_with: dict[str, str] = field(default_factory=dict)  # see grading_settings()


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


class NotAClass(ValueError):
    """SUBMISSIONS is not a folder of submissions: the instructor's mistake, never a student's grade."""


def find_submissions(folder: Path, out: Path | None = None) -> tuple[list[Submission], list[str]]:
    """Each folder or ``.py`` file directly in ``folder`` is one submission, named after it; and the entries
    left out (dot entries, ``__MACOSX``, other files, and ``out`` when it sits in ``folder``)."""
    if (folder / "login.html").is_file() or (folder / "templates").is_dir():
        raise NotAClass(
            f"{folder} looks like one submission (it has login.html or templates/): grade it alone with "
            f"flask-conformance check {folder}, or give grade the folder that holds one folder or .py file "
            "per student"
        )
    seen: dict[str, int] = {}
    found = []
    ignored = []
    for path in sorted(folder.iterdir()):
        if out is not None and path.resolve() == out.resolve():
            ignored.append(f"{path.name} (the output folder)")
            continue
        if SKIPPED_ENTRIES.match(path.name) or not (path.is_dir() or path.suffix == ".py"):
            if not path.name.endswith(".pyc") and path.name != "__pycache__":
                ignored.append(path.name)
            continue
        name = re.sub(r"[^\w.-]+", "_", path.stem if path.is_file() else path.name) or "submission"
        seen[name] = seen.get(name, 0) + 1
        found.append(Submission(name if seen[name] == 1 else f"{name}-{seen[name]}", path))
    if not found:
        raise NotAClass(f"{folder} holds no submission: no folder or .py file besides what is ignored")
    return found, ignored


def spec_arguments(submission: Path, results: Path, options: BatchOptions) -> list[str]:
    arguments = [
        # The spec asserts nothing itself (checks fail through Client.fail), so no assertion rewriting,
        # and with it no warning that modules the warm grader imported cannot be rewritten.
        str(SPEC_DIRECTORY),
        "-q",
        "--assert=plain",
        "-p",
        "no:cacheprovider",
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


def status_of(result: Grade, otherwise: str = "graded") -> str:
    """grades.csv's status of a grade: what stopped it, if anything did."""
    if result.load_error:
        return "load-error: " + result.load_error
    if result.grader_errors:
        return "grader-error: " + result.grader_errors[0]
    if "time_ran_out_in" in result.extra:
        return (
            f"timeout: the time limit ran out during {result.extra['time_ran_out_in']}; "
            "the checks that finished before are kept"
        )
    return otherwise


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
    result = catcher.grade
    write_atomically(folder / "feedback.md", feedback_markdown(submission.name, result))
    status = status_of(result)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return Record(
        submission.name,
        result.score,
        result.max_score,
        result.passed,
        result.failed,
        status,
        round(seconds, 3),
        round(peak, 1),
    )


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
    write_atomically(folder / "feedback.md", feedback_markdown(submission.name, result))
    return Record(
        submission.name,
        result.score,
        result.max_score,
        result.passed,
        result.failed,
        status,
        round(seconds, 3),
        graded_with=graded_with,
    )


def _record_path(out: Path, name: str) -> Path:
    return out / name / "record.json"


def read_record(out: Path, name: str) -> Record | None:
    try:
        return Record(**json.loads(_record_path(out, name).read_text(encoding="utf-8")))
    except (OSError, ValueError, TypeError):
        return None


def write_record(out: Path, record: Record) -> None:
    write_atomically(_record_path(out, record.name), json.dumps(asdict(record)) + "\n")


def write_grades_csv(out: Path, records: list[Record]) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for record in records:
        writer.writerow(
            [
                record.name,
                f"{record.score:g}",
                f"{record.max_score:g}",
                record.passed,
                record.failed,
                " ".join(record.status.split()),
                f"{record.seconds:.2f}",
            ]
        )
    write_atomically(out / "grades.csv", buffer.getvalue())


def _child(  # pragma: no cover - forked
    submission: Submission, out: Path, options: BatchOptions, graded_with: dict[str, str]
) -> None:
    """The grading child: grade, write the record, and leave without running the parent's exit handlers."""
    status = 0
    try:
        gc.freeze()  # the warm grader's heap: no collector walks over it, no pages copied by them
        _die_with_parent()
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, 1)
        os.dup2(null, 2)
        from ..data.limits import Limits
        from ..sandbox.sandbox import close_prelaunched, prelaunch
        from ..transports.loading import AppSpec

        # The submission imports in its sandbox while pytest collects the spec here.
        prelaunch(
            AppSpec(path=submission.path),
            Limits(startup_timeout=options.startup_timeout, request_timeout=options.request_timeout),
        )
        write_record(out, replace(grade_one(submission, out, options), graded_with=graded_with))
        close_prelaunched()
    except BaseException as error:
        try:
            (out / submission.name).mkdir(parents=True, exist_ok=True)
            (out / submission.name / "grader-error.txt").write_text(f"{type(error).__name__}: {error}\n")
        finally:
            status = 1
    finally:
        os._exit(status)


def _die_with_parent() -> None:  # pragma: no cover - forked
    """A grading child does not outlive the batch (and its sandboxes die with it, see sandbox_command)."""
    import ctypes

    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG


def warm_up() -> None:
    """Import what every grading child needs once, here, so that each fork starts warm."""
    from ..targets import targets  # noqa: F401

    # A whole run, not just collection: what Flask and Werkzeug import lazily on a first request is then
    # imported here once, instead of in every sandboxed child.
    arguments = [
        str(SPEC_DIRECTORY),
        "-q",
        "--assert=plain",
        "-p",
        "no:cacheprovider",
        "--in-process",
        "--examples",
        "1",
        "--target",
        "reference_app.lesson.app:app",
    ]
    with open(os.devnull, "w") as null, contextlib.redirect_stdout(null):
        pytest.main(arguments)


def run_batch(
    folder: Path,
    out: Path,
    options: BatchOptions,
    progress: Callable[[int, int, Record | None], None] | None = None,
    notify: Callable[[str], None] | None = None,
) -> list[Record]:
    """Grade every submission in ``folder`` into ``out``; returns one record per submission."""
    submissions, ignored = find_submissions(folder, out)
    if ignored and notify is not None:
        notify(
            f"ignored in {folder}: {', '.join(ignored[:10])}"
            + (f" and {len(ignored) - 10} more" if ignored[10:] else "")
        )
    out.mkdir(parents=True, exist_ok=True)
    records: dict[str, Record] = {}
    pending = []
    settings = grading_settings(options)
    changed: set[str] = set()
    regraded = 0
    for submission in submissions:
        existing = read_record(out, submission.name) if options.resume else None
        if existing is not None and existing.graded_with == settings:
            records[submission.name] = existing
            continue
        pending.append(submission)
        if existing is not None:  # never mixed into one gradebook: regraded, and said so
            regraded += 1
            changed |= {key for key, value in settings.items() if existing.graded_with.get(key) != value}
    if regraded and notify is not None:
        notify(
            f"--resume: regrading {regraded} submission(s) graded with other settings ({', '.join(sorted(changed))})"
        )
    warm_up()
    order = [submission.name for submission in submissions]

    def finish(record: Record) -> None:
        records[record.name] = record
        write_grades_csv(out, [records[name] for name in order if name in records])
        if progress is not None:
            progress(len(records), len(submissions), record)

    if progress is not None:
        progress(len(records), len(submissions), None)
    try:
        for record in _fork_all(pending, out, options, settings):
            finish(record)
    finally:
        from ..sandbox.sandbox import remove_leftovers

        remove_leftovers()  # the sandboxes of grading children killed at the time limit or by Ctrl-C
    write_grades_csv(out, [records[name] for name in order if name in records])
    from ..grading.class_report import write_class_report

    write_class_report(out, [records[name] for name in order], options.profile)
    return [records[name] for name in order]


def _fork_all(
    pending: list[Submission], out: Path, options: BatchOptions, graded_with: dict[str, str]
) -> Iterator[Record]:
    running: dict[int, tuple[Submission, float, int | None]] = {}  # pid -> submission, start, pidfd
    queue = list(reversed(pending))
    sys.stdout.flush()
    sys.stderr.flush()
    try:
        while queue or running:
            while queue and len(running) < max(1, options.jobs):
                submission = queue.pop()
                shutil.rmtree(out / submission.name, ignore_errors=True)
                pid = os.fork()
                if pid == 0:
                    _child(submission, out, options, graded_with)
                running[pid] = (submission, time.monotonic(), _pidfd(pid))
            _wait_for_any(running, options.timeout)
            for pid, (submission, started, pidfd) in list(running.items()):
                done, status = os.waitpid(pid, os.WNOHANG)
                elapsed = time.monotonic() - started
                if done:
                    del running[pid]
                    _close(pidfd)
                    record = read_record(out, submission.name)
                    if record is None:
                        reason = _grader_error(out, submission, status)
                        record = failed_record(
                            submission, out, options, f"grader-error: {reason}", elapsed, graded_with, grader_fault=True
                        )
                        write_record(out, record)
                    yield record
                elif elapsed > options.timeout:
                    _kill(pid)
                    del running[pid]
                    _close(pidfd)
                    reason = f"timeout: no result within {options.timeout:g} s"
                    record = failed_record(submission, out, options, reason, elapsed, graded_with)
                    write_record(out, record)
                    yield record
    finally:
        for pid, (_, _, pidfd) in running.items():
            _kill(pid)
            _close(pidfd)


def _pidfd(pid: int) -> int | None:
    """A descriptor that becomes readable when ``pid`` exits (Linux 5.3+), or None where there is none."""
    try:
        return os.pidfd_open(pid)
    except (AttributeError, OSError):
        return None


def _close(pidfd: int | None) -> None:
    if pidfd is not None:
        os.close(pidfd)


def _wait_for_any(running: dict[int, tuple[Submission, float, int | None]], timeout: float) -> None:
    """Sleep until a grading child exits or the first one reaches its time limit: woken by the children's
    pidfds, not by polling (a short poll only where the kernel has no pidfd)."""
    if not running:
        return
    now = time.monotonic()
    until = max(0.0, min(started + timeout for _, started, _ in running.values()) - now) + 0.01
    pidfds = [pidfd for _, _, pidfd in running.values() if pidfd is not None]
    if len(pidfds) == len(running):
        select.select(pidfds, [], [], until)
    else:
        time.sleep(min(until, 0.05))


def _grader_error(out: Path, submission: Submission, status: int) -> str:
    note = out / submission.name / "grader-error.txt"
    if note.exists():
        return note.read_text(encoding="utf-8", errors="replace").strip()[:300]
    return f"the grading process ended with status {os.waitstatus_to_exitcode(status)}"


def _kill(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pid, 0)
