"""Removing a folder the grader made, whatever a submission put in it: it never raises, however deep.

``shutil.rmtree`` recurses once per level, so a tree a few hundred folders deep (which a sandbox without
bubblewrap can build in its writable folder) raised RecursionError out of the grader, and then out of every
later grade that tried to clean it up. This falls back on flattening: each folder's subfolders are moved up
to the top, so no path grows longer and no call goes deeper, then emptied folders are removed.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import uuid
from pathlib import Path

_FOLDER = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC


def remove_tree(path: Path) -> None:
    """Remove ``path`` and everything in it, never following a link; whatever cannot be removed stays."""
    try:
        shutil.rmtree(path)
        return
    except FileNotFoundError:
        return
    except (OSError, RecursionError):
        pass
    with contextlib.suppress(OSError):
        _flatten_and_remove(path)


def _flatten_and_remove(path: Path) -> None:
    top = os.open(path, _FOLDER)
    try:
        while _one_pass(top):
            pass
    finally:
        os.close(top)
    os.rmdir(path)


def _one_pass(top: int) -> bool:
    """Remove the files at the top, and empty each folder there by moving its own folders up beside it;
    whether anything was left to do."""
    progressed = False
    with os.scandir(top) as entries:
        names = [(entry.name, entry.is_dir(follow_symlinks=False)) for entry in entries]
    for name, is_folder in names:
        with contextlib.suppress(OSError):
            if not is_folder:
                os.unlink(name, dir_fd=top)
                progressed = True
                continue
            folder = os.open(name, _FOLDER, dir_fd=top)
            try:
                _empty_into(folder, top)
            finally:
                os.close(folder)
            os.rmdir(name, dir_fd=top)
            progressed = True
    return progressed


def _empty_into(folder: int, top: int) -> None:
    with os.scandir(folder) as entries:
        names = [(entry.name, entry.is_dir(follow_symlinks=False)) for entry in entries]
    for name, is_folder in names:
        with contextlib.suppress(OSError):
            if is_folder:
                os.rename(name, f"moved-{uuid.uuid4().hex}", src_dir_fd=folder, dst_dir_fd=top)
            else:
                os.unlink(name, dir_fd=folder)
