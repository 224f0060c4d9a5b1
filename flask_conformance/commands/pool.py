"""The pool of grading processes: each forked from the warm grader, waited on by its pidfd, killed at its time limit."""

from __future__ import annotations

import contextlib
import gc
import os
import select
import shutil
import signal
import sys
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

from ..data.curl import printable
from ..sandbox.sandbox import close_prelaunched, prelaunch, remove_leftovers
from .discovery import Submission
from .grading_run import (
    BatchOptions,
    failed_record,
    grade_one,
)
from .records import Record, read_record, write_record


def _child(  # pragma: no cover - forked
    submission: Submission, out: Path, options: BatchOptions, graded_with: dict[str, str]
) -> None:
    """The grading child: grade, write the record, and leave without running the parent's exit handlers."""
    status = 0
    try:
        gc.freeze()  # the warm grader's heap: no collector walks over it, no pages copied by them
        _die_with_parent()
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, 1)
        os.dup2(null, 2)
        from ..data.limits import Limits
        from ..targets.targets import parse_target

        # The submission imports in its sandbox while pytest collects the spec here: the spec the target
        # will be opened with (a folder's app may be one folder down), so that it adopts this sandbox.
        spec = parse_target(str(submission.path))[1]
        if spec is not None:
            limits = Limits(startup_timeout=options.startup_timeout, request_timeout=options.request_timeout)
            prelaunch(spec, limits)
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


def fork_all(
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
                        remove_leftovers()  # what the crashed process could not close, now: not at the end
                        reason = _grader_error(out, submission, status)
                        record = failed_record(
                            submission, out, options, f"grader-error: {reason}", elapsed, graded_with, grader_fault=True
                        )
                        write_record(out, record)
                    yield record
                elif elapsed > options.timeout:
                    _kill(pid)
                    remove_leftovers()  # its sandbox's cgroups and workspace (its processes died with it)
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
    if note.exists():  # the kit's exception, which may quote a submission's file names: shown printable
        return printable(note.read_text(encoding="utf-8", errors="replace").strip()[:300])
    return f"the grading process ended with status {os.waitstatus_to_exitcode(status)}"


def _kill(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pid, 0)
