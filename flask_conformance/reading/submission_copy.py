"""A bounded, private copy of a submission: what the sandbox runs and the grader reads.

Nothing is read before it is bounded: the copy stops at ``MAX_FILES`` entries (files and folders alike),
``MAX_BYTES`` bytes and ``MAX_DEPTH`` folders deep, copies regular files only (never a FIFO, device or
socket, which could block or reach the machine), and follows a symbolic link only to a regular file inside
the submission itself. What it leaves out is listed in ``skipped`` (the first ``MAX_SKIPPED`` entries), so
the feedback can say why a file is missing.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

MAX_FILES = 2000
MAX_BYTES = 32 << 20
MAX_DEPTH = 32  # a Flask project is a few folders deep; a tree of a thousand made the copy recurse too deep
MAX_SKIPPED = 100
CHUNK = 1 << 16
IGNORED_NAMES = frozenset(
    {".git", "__pycache__", ".venv", "venv", "node_modules", ".hypothesis", "__MACOSX", ".DS_Store"}
)


@dataclass
class CopyReport:
    files: int = 0
    bytes: int = 0
    skipped: list[str] = field(default_factory=list)


class _Budget:
    def __init__(self, report: CopyReport) -> None:
        self.report = report

    def take_entry(self) -> bool:
        """Whether one more file or folder may be copied."""
        if self.report.files >= MAX_FILES:
            return False
        self.report.files += 1
        return True

    def take_file(self, size: int) -> int:
        """How many bytes of a file of ``size`` may still be copied; -1 once the entries are used up."""
        if not self.take_entry():
            return -1
        return max(0, min(size, MAX_BYTES - self.report.bytes))

    def skip(self, entry: str) -> None:
        if len(self.report.skipped) < MAX_SKIPPED:
            self.report.skipped.append(entry)


def copy_submission(source: Path, destination: Path, only: tuple[str, ...] = ()) -> CopyReport:
    """Copy the folder ``source`` into the new folder ``destination`` (``only``: just these top-level names)."""
    report = CopyReport()
    destination.mkdir(mode=0o755, parents=True, exist_ok=True)
    _copy_folder(source.resolve(), source.resolve(), destination, _Budget(report), only, 0)
    return report


def _copy_folder(
    root: Path, folder: Path, destination: Path, budget: _Budget, only: tuple[str, ...], depth: int
) -> None:
    try:
        entries = sorted(os.scandir(folder), key=lambda entry: entry.name)
    except OSError:
        budget.skip(f"{_relative(root, folder)}/ (unreadable)")
        return
    for entry in entries:
        if entry.name in IGNORED_NAMES or (only and entry.name not in only):
            continue
        relative = _relative(root, Path(entry.path))
        target = destination / entry.name
        if entry.is_symlink():
            resolved = _link_inside(root, Path(entry.path))
            if resolved is None:
                budget.skip(f"{relative} (a link to a folder, or out of the submission)")
                continue
            _copy_file(resolved, target, relative, budget)
        elif entry.is_dir(follow_symlinks=False):
            if depth >= MAX_DEPTH:
                budget.skip(f"{relative}/ (more than {MAX_DEPTH} folders deep)")
            elif not budget.take_entry():
                budget.skip(f"{relative}/ (more than {MAX_FILES} files and folders)")
            else:
                target.mkdir(mode=0o755)
                _copy_folder(root, Path(entry.path), target, budget, (), depth + 1)
        elif entry.is_file(follow_symlinks=False):
            _copy_file(Path(entry.path), target, relative, budget)
        else:
            budget.skip(f"{relative} (not a regular file)")


def _link_inside(root: Path, link: Path) -> Path | None:
    try:
        resolved = link.resolve(strict=True)
    except (OSError, RuntimeError):
        return None
    if not resolved.is_relative_to(root) or not resolved.is_file():
        return None
    return resolved


def _copy_file(source: Path, target: Path, relative: str, budget: _Budget) -> None:
    try:
        descriptor = os.open(source, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError:
        budget.skip(f"{relative} (unreadable)")
        return
    with open(descriptor, "rb") as reader:
        status = os.fstat(descriptor)
        if not stat.S_ISREG(status.st_mode):
            budget.skip(f"{relative} (not a regular file)")
            return
        allowed = budget.take_file(status.st_size)
        if allowed < 0:
            budget.skip(f"{relative} (more than {MAX_FILES} files and folders)")
            return
        if allowed < status.st_size:
            budget.skip(f"{relative} (cut at {allowed} bytes: the submission is over {MAX_BYTES})")
        mode = 0o755 if status.st_mode & 0o111 else 0o644
        with open(os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, mode), "wb") as writer:
            left = allowed
            while left > 0:
                chunk = reader.read(min(CHUNK, left))
                if not chunk:
                    break
                writer.write(chunk)
                left -= len(chunk)
                budget.report.bytes += len(chunk)


def _relative(root: Path, path: Path) -> str:
    return str(path.relative_to(root)) if path != root else "."
