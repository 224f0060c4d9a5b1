"""Finding a class's submissions in a folder: one per folder or .py file, and what is left out."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from ..reading.archives import is_archive

SKIPPED_ENTRIES = re.compile(r"^(\.|__pycache__$|__MACOSX$|.*\.pyc$)")  # dot entries, caches, a Mac zip's extras


@dataclass(frozen=True)
class Submission:
    name: str
    path: Path


class NotAClass(ValueError):
    """SUBMISSIONS is not a folder of submissions: the instructor's mistake, never a student's grade."""


def find_submissions(folder: Path, out: Path | None = None) -> tuple[list[Submission], list[str]]:
    """Each folder, ``.py`` file or zip archive directly in ``folder`` is one submission, named after it; and
    the entries left out (dot entries, ``__MACOSX``, other files, and ``out`` when it sits in ``folder``)."""
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
        if SKIPPED_ENTRIES.match(path.name) or not (path.is_dir() or path.suffix == ".py" or is_archive(path)):
            if not path.name.endswith(".pyc") and path.name != "__pycache__":
                ignored.append(path.name)
            continue
        name = re.sub(r"[^\w.-]+", "_", path.stem if path.is_file() else path.name) or "submission"
        seen[name] = seen.get(name, 0) + 1
        found.append(Submission(name if seen[name] == 1 else f"{name}-{seen[name]}", path))
    if not found:
        raise NotAClass(f"{folder} holds no submission: no folder, .py file or zip archive besides what is ignored")
    return found, ignored
