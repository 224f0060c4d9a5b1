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
from collections.abc import Generator
from pathlib import Path
from typing import NamedTuple, NoReturn

from ..data.curl import printable
from ..sandbox.sandbox import remove_leftovers
from .discovery import Submission
from .grading_run import BatchOptions, failed_record
from .records import Record, read_record, write_record


class Forked(NamedTuple):
    """What ``fork_all`` yields in a grading process, once, right after the fork: the submission it grades."""

    submission: Submission


def become_grading_process() -> None:  # pragma: no cover - forked
    """A grading process's first steps: the warm grader's heap frozen (no collector walks over it, no pages
    copied by them), death with the batch, the default reaction to Ctrl-C and SIGTERM, and its stray output
    thrown away."""
    gc.freeze()
    _die_with_parent()
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    null = os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, 1)
    os.dup2(null, 2)
    os.close(null)


def grader_error_exit(out: Path, submission: Submission, error: BaseException) -> NoReturn:  # pragma: no cover
    """A grading process that failed itself: the batch reads why (``_grader_error``) and records it."""
    try:
        (out / submission.name).mkdir(parents=True, exist_ok=True)
        (out / submission.name / "grader-error.txt").write_text(f"{type(error).__name__}: {error}\n")
    finally:
        os._exit(1)


def _die_with_parent() -> None:  # pragma: no cover - forked
    """A grading child does not outlive the batch (and its sandboxes die with it, see sandbox_command)."""
    import ctypes

    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG


def fork_all(
    pending: list[Submission], out: Path, options: BatchOptions, graded_with: dict[str, str]
) -> Generator[Record | Forked, None, None]:
    """Fork a grading process per submission, ``options.jobs`` at a time, each killed at its time limit; yields
    each one's record as it ends. In a grading process it yields ``Forked`` once and ends: the caller grades
    that submission there (the batch's pytest session runs its collected checks) and exits, with the record
    written, without returning."""
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
                if pid == 0:  # pragma: no cover - forked
                    running.clear()  # the batch's other grading processes: leaving this loop must not kill them
                    yield Forked(submission)
                    return
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
