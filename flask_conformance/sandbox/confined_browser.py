"""Chromium in a cgroup of its own: the browser runs a submission's login.html, scripts and all.

A page's scripts can take memory (an ArrayBuffer is outside V8's heap limit), threads and cores as any
program can. Chromium cannot run under an address-space limit (it dies with SIGTRAP: it reserves far more
than it uses), so the limits are a cgroup, where the grader may make one: every process Chromium starts is
born in it, and the kernel kills a renderer past its memory. Under it, and alone where there is no cgroup
(not root, or a container without writable cgroups), each process's data segment is limited
(RLIMIT_DATA): reserved address space does not count against it, written pages do, so a page's
allocation fails in its own renderer, and the browser goes on.
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

BROWSER_MEMORY = 1536 << 20  # the whole tree, where a cgroup holds it
PROCESS_MEMORY = 1 << 30  # each process's data segment: below the tree's, so one page never reaches that
BROWSER_TASKS = 1024  # the pids controller counts threads: Chromium runs some 20 to 40 in each process
BROWSER_CORES = 1.0


@contextmanager
def confined_launcher(executable: str) -> Iterator[str]:
    """What to launch in place of ``executable``: a script that limits each process's data segment, joins a
    fresh cgroup where the grader may make one, then runs it. ``executable`` itself where no script can run
    (a temporary folder mounted noexec). The group and its processes go on leaving."""
    tree = cgroups.create(BROWSER_MEMORY, BROWSER_TASKS, BROWSER_CORES) if os.getuid() == 0 else None
    # Named like a sandbox's workspace, so that a grader killed before it could remove it is cleaned after.
    folder = Path(tempfile.mkdtemp(prefix=f"{cgroups.PREFIX}{os.getpid()}-browser-"))
    try:
        launcher = folder / "chromium"
        command = shlex.join(cgroups.joined(tree, [executable]) if tree is not None else [executable])
        # A limit above the hard one cannot be set (not root): Chromium then runs under the hard one.
        launcher.write_text(f'#!/bin/sh\nulimit -d {PROCESS_MEMORY >> 10} 2>/dev/null\nexec {command} "$@"\n')
        launcher.chmod(0o700)
        yield str(launcher) if os.access(launcher, os.X_OK) else executable
    finally:
        if tree is not None:
            tree.kill_and_remove()
        remove_tree(folder)
