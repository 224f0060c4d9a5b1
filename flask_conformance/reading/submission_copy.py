"""A bounded, private copy of a submission: what the sandbox runs and the grader reads.

Nothing is read before it is bounded: the copy looks at ``MAX_LISTED`` names at most, ``MAX_DEPTH``
folders deep, and copies at most ``MAX_FILES`` entries (files and folders alike) and ``MAX_BYTES`` bytes.
What a Flask app needs comes first, whatever else the folder holds: its code and pages, then its
settings and data (``TIERS``), then any other file, and within each tier the shallower first, so a
committed ``env/``, a ``static/`` of thousands of images or a ``data/`` of thousands of JSON files never
crowds out ``app.py`` and ``templates/`` (a virtual environment is left out whole: the sandbox brings
Flask). It copies regular files only (never a FIFO, device or socket, which could block or reach the
machine), and follows a symbolic link only to a regular file inside the submission itself. What it leaves
out is listed in ``skipped`` (the first ``MAX_SKIPPED`` entries), so the feedback can say why a file is
missing.
"""

from __future__ import annotations

import os
import stat
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

MAX_FILES = 2000
MAX_BYTES = 32 << 20
MAX_DEPTH = 32  # a Flask project is a few folders deep; a tree of a thousand made the copy recurse too deep
MAX_LISTED = 10 * MAX_FILES
MAX_SKIPPED = 100
CHUNK = 1 << 16
IGNORED_NAMES = frozenset(
    {".git", "__pycache__", ".venv", "venv", "node_modules", ".hypothesis", "__MACOSX", ".DS_Store"}
)
# The order files are taken in: the app's code and pages, then its settings and data, then anything else.
TIERS = (
    frozenset({".py", ".html", ".htm", ".jinja", ".jinja2", ".j2"}),
    frozenset({".txt", ".cfg", ".toml", ".ini", ".json"}),
)
TOO_MANY = f"more than {MAX_FILES} files and folders"


@dataclass
class CopyReport:
    files: int = 0
    bytes: int = 0
    skipped: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _Entry:
    relative: PurePosixPath
    path: Path
    link: bool = False


def priority(relative: PurePosixPath) -> tuple[int, int, str]:
    """Code and pages first, then settings and data, then the rest; within each, the shallower first."""
    suffix = relative.suffix.lower()
    tier = next((number for number, suffixes in enumerate(TIERS) if suffix in suffixes), len(TIERS))
    return (tier, len(relative.parts), str(relative))


class _Budget:
    def __init__(self, report: CopyReport) -> None:
        self.report = report

    def take_entry(self) -> bool:
        """Whether one more file or folder may be copied."""
        if self.report.files >= MAX_FILES:
            return False
        self.report.files += 1
        return True

    def skip(self, entry: str) -> None:
        if len(self.report.skipped) < MAX_SKIPPED:
            self.report.skipped.append(entry)


def copy_submission(source: Path, destination: Path, only: tuple[str, ...] = ()) -> CopyReport:
    """Copy the folder ``source`` into the new folder ``destination`` (``only``: just these top-level names)."""
    report = CopyReport()
    budget = _Budget(report)
    destination.mkdir(mode=0o755, parents=True, exist_ok=True)
    root = source.resolve()
    files, folders = _listing(root, only, budget)
    made = {PurePosixPath(".")}
    for entry in sorted(files, key=lambda entry: priority(entry.relative)):
        if _make_folders(entry.relative.parent, destination, made, budget):
            _copy_entry(root, entry, destination / entry.relative, budget)
        else:
            budget.skip(f"{entry.relative} ({TOO_MANY})")
    for folder in folders:  # what is left of the budget: the folders no file needed, shallower first
        if folder not in made and not _make_folders(folder, destination, made, budget):
            budget.skip(f"{folder}/ ({TOO_MANY})")
    return report


def _listing(root: Path, only: tuple[str, ...], budget: _Budget) -> tuple[list[_Entry], list[PurePosixPath]]:
    """The files (links to files among them) and folders to copy, folder by folder from the top, reading at
    most ``MAX_LISTED`` names; what is left out on the way is noted."""
    files: list[_Entry] = []
    folders: list[PurePosixPath] = []
    pending = deque([(root, PurePosixPath("."))])
    listed = 0
    while pending:
        folder, relative_folder = pending.popleft()
        entries = []
        try:
            with os.scandir(folder) as scan:
                for entry in scan:
                    if listed == MAX_LISTED:
                        budget.skip(f"{relative_folder}/ (the submission has more than {MAX_LISTED} names)")
                        pending.clear()  # nothing more is read: what was listed is copied
                        break
                    listed += 1
                    entries.append(entry)
        except OSError:
            budget.skip(f"{relative_folder}/ (unreadable)")
            continue
        top = relative_folder == PurePosixPath(".")
        for entry in sorted(entries, key=lambda entry: entry.name):
            if entry.name in IGNORED_NAMES or (only and top and entry.name not in only):
                continue
            relative = relative_folder / entry.name
            if entry.is_symlink():
                files.append(_Entry(relative, Path(entry.path), link=True))
            elif entry.is_dir(follow_symlinks=False):
                if len(relative.parts) > MAX_DEPTH:
                    budget.skip(f"{relative}/ (more than {MAX_DEPTH} folders deep)")
                elif is_environment(Path(entry.path)):
                    budget.skip(f"{relative}/ (a virtual environment: the sandbox brings its own Flask)")
                else:
                    folders.append(relative)
                    pending.append((Path(entry.path), relative))
            elif entry.is_file(follow_symlinks=False):
                files.append(_Entry(relative, Path(entry.path)))
            else:
                budget.skip(f"{relative} (not a regular file)")
    return files, folders


def passed_over(entry: os.DirEntry[str]) -> bool:
    """What a search for the app's files never looks into: what the copy leaves out (``IGNORED_NAMES``,
    virtual environments) and hidden entries."""
    if entry.name in IGNORED_NAMES or entry.name.startswith("."):
        return True
    return entry.is_dir(follow_symlinks=False) and is_environment(Path(entry.path))


def is_environment(folder: Path) -> bool:
    """A virtual environment (``pyvenv.cfg``) or a conda one (``conda-meta/``), whatever its name."""
    return (folder / "pyvenv.cfg").is_file() or (folder / "conda-meta").is_dir()


def _make_folders(folder: PurePosixPath, destination: Path, made: set[PurePosixPath], budget: _Budget) -> bool:
    """Make ``folder`` and the folders above it that are not made yet, each one entry of the budget."""
    missing = [parent for parent in (folder, *folder.parents) if parent not in made][::-1]
    for parent in missing:
        if not budget.take_entry():
            return False
        (destination / parent).mkdir(mode=0o755)
        made.add(parent)
    return True


def _copy_entry(root: Path, entry: _Entry, target: Path, budget: _Budget) -> None:
    if not entry.link:
        _copy_file(entry.path, target, str(entry.relative), budget)
        return
    resolved = _link_inside(root, entry.path)
    if resolved is None:
        budget.skip(f"{entry.relative} (a link to a folder, or out of the submission)")
    else:
        _copy_file(resolved, target, str(entry.relative), budget)


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
        if not budget.take_entry():
            budget.skip(f"{relative} ({TOO_MANY})")
            return
        allowed = max(0, min(status.st_size, MAX_BYTES - budget.report.bytes))
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
