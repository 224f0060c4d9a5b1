"""A memory limit on a sandbox's whole process tree where no cgroup can be had.

Some machines (a Gradescope container, a CI runner) give the grader no writable cgroup. There, every
process of a sandbox still runs as the sandbox's own uid, so a thread in the grader adds up the resident
memory of that uid's processes ten times a second and kills them all once they hold more than the tree's
limit between them. It can overshoot by what the tree allocates in a tenth of a second; the per-process
limit (RLIMIT_AS) bounds that overshoot.
"""

from __future__ import annotations

import contextlib
import os
import threading

from .cgroups import kill_all

PERIOD = 0.1
PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


def processes_of(uid: int) -> list[int]:
    found = []
    with contextlib.suppress(OSError):
        for entry in os.scandir("/proc"):
            if entry.name.isdigit():
                with contextlib.suppress(OSError):
                    if entry.stat().st_uid == uid:
                        found.append(int(entry.name))
    return found


def resident_memory(pids: list[int]) -> int:
    total = 0
    for pid in pids:
        with (
            contextlib.suppress(OSError, ValueError, IndexError),
            open(f"/proc/{pid}/statm", encoding="ascii") as statm,
        ):
            total += int(statm.read().split()[1]) * PAGE
    return total


class TreeWatch:
    """Watches the processes of ``uid``; ``tripped`` once it had to kill them for memory."""

    def __init__(self, uid: int, limit: int) -> None:
        self.uid = uid
        self.limit = limit
        self.tripped = False
        self._stopped = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._watch, name=f"tree-watch-{self.uid}", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        self._stopped.set()
        if self._thread is not None:
            self._thread.join(timeout=2)

    def _watch(self) -> None:
        while not self._stopped.wait(PERIOD):
            pids = processes_of(self.uid)
            if pids and resident_memory(pids) > self.limit:
                self.tripped = True
                kill_all(pids)
