"""Chromium in a cgroup of its own: the browser runs a submission's login.html, scripts and all.

A page's scripts can take memory (an ArrayBuffer is outside V8's heap limit), threads and cores as any
program can. Chromium cannot run under an address-space limit (it dies with SIGTRAP), so the limit is a
cgroup: every process Chromium starts is born in it, and the kernel kills a renderer past its memory.
Where the grader may make no cgroup, Chromium runs as before, bounded only by the walk's time limits.
"""

from __future__ import annotations

import os
import shlex
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ..data.tree_removal import remove_tree
from . import cgroups

BROWSER_MEMORY = 1536 << 20
BROWSER_TASKS = 1024  # the pids controller counts threads: Chromium runs some 20 to 40 in each process
BROWSER_CORES = 1.0


@contextmanager
def confined_launcher(executable: str) -> Iterator[str]:
    """What to launch in place of ``executable``: a script that joins a fresh cgroup, then runs it. Where
    the grader may make no cgroup, ``executable`` itself. The group and its processes go on leaving."""
    tree = cgroups.create(BROWSER_MEMORY, BROWSER_TASKS, BROWSER_CORES) if os.getuid() == 0 else None
    if tree is None:
        yield executable
        return
    # Named like a sandbox's workspace, so that a grader killed before it could remove it is cleaned after.
    folder = Path(tempfile.mkdtemp(prefix=f"{cgroups.PREFIX}{os.getpid()}-browser-"))
    try:
        launcher = folder / "chromium"
        launcher.write_text(f'#!/bin/sh\nexec {shlex.join(cgroups.joined(tree, [executable]))} "$@"\n')
        launcher.chmod(0o700)
        yield str(launcher)
    finally:
        tree.kill_and_remove()
        remove_tree(folder)
