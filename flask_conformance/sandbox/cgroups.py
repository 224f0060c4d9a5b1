"""Limits on a sandbox's whole process tree: a memory and a pids cgroup of its own.

Where the machine lets the grader write cgroups (cgroup v1 ``memory`` and ``pids`` controllers, or a v2
group with both enabled for its children), each sandbox gets a group below the grader's own, so the limit
holds however many processes the submission starts. Elsewhere ``create`` returns None and the sandbox
falls back on per-process and per-uid limits (see SECURITY.md).
"""

from __future__ import annotations

import contextlib
import os
import signal
import time
import uuid
from collections.abc import Iterable
from pathlib import Path

ROOT = Path("/sys/fs/cgroup")
MEMBERSHIP = Path("/proc/self/cgroup")
PREFIX = "flask-conformance-"


class TreeLimit:
    """The cgroup folders of one sandbox; ``procs_files`` are where its first process writes its pid."""

    def __init__(self, folders: list[Path], kind: str) -> None:
        self.folders = folders
        self.kind = kind

    @property
    def procs_files(self) -> list[Path]:
        return [folder / "cgroup.procs" for folder in self.folders]

    def pids(self) -> set[int]:
        found: set[int] = set()
        for procs in self.procs_files:
            with contextlib.suppress(OSError, ValueError):
                found.update(int(line) for line in procs.read_text().split())
        return found

    def out_of_memory(self) -> bool:
        """Whether the kernel killed something of this tree for memory."""
        for folder in self.folders:
            for name in ("memory.events", "memory.oom_control"):
                with contextlib.suppress(OSError):
                    for line in (folder / name).read_text().splitlines():
                        key, _, value = line.partition(" ")
                        if key in ("oom_kill", "oom") and value.strip() not in ("", "0"):
                            return True
        return False

    def kill(self) -> None:
        """SIGKILL every process in the group."""
        kill_all(self.pids())

    def kill_and_remove(self, timeout: float = 2.0) -> None:
        """SIGKILL every process left in the group, then remove its folders."""
        deadline = time.monotonic() + timeout
        while True:
            self.kill()
            removed = True
            for folder in self.folders:
                try:
                    folder.rmdir()
                except FileNotFoundError:
                    pass
                except OSError:
                    removed = False
            if removed or time.monotonic() > deadline:
                return
            time.sleep(0.01)


def own_group(controller: str) -> Path | None:
    """This process's cgroup folder for ``controller`` (``""`` for the v2 unified hierarchy)."""
    try:
        lines = MEMBERSHIP.read_text().splitlines()
    except OSError:
        return None
    for line in lines:
        _, controllers, path = line.split(":", 2)
        if controller in controllers.split(",") if controller else controllers == "":
            base = ROOT / controller if controller else ROOT
            folder = base / path.lstrip("/")
            return folder if folder.is_dir() else None
    return None


def create(memory: int, processes: int) -> TreeLimit | None:
    """A fresh group with these limits, or None where the machine does not allow one."""
    name = f"{PREFIX}{os.getpid()}-{uuid.uuid4().hex[:12]}"
    return _create_v1(name, memory, processes) or _create_v2(name, memory, processes)


def _create_v1(name: str, memory: int, processes: int) -> TreeLimit | None:
    memory_parent, pids_parent = own_group("memory"), own_group("pids")
    if memory_parent is None or pids_parent is None:
        return None
    created: list[Path] = []
    try:
        for parent in (memory_parent, pids_parent):
            (parent / name).mkdir()
            created.append(parent / name)
        memory_group, pids_group = created
        (memory_group / "memory.limit_in_bytes").write_text(str(memory))
        with contextlib.suppress(OSError):  # swap accounting, where the kernel has it
            (memory_group / "memory.memsw.limit_in_bytes").write_text(str(memory))
        (pids_group / "pids.max").write_text(str(processes))
    except OSError:
        TreeLimit(created, "").kill_and_remove(0)
        return None
    return TreeLimit(created, "cgroup v1")


def _create_v2(name: str, memory: int, processes: int) -> TreeLimit | None:
    if not (ROOT / "cgroup.controllers").is_file():
        return None
    parent = own_group("")
    if parent is None:
        return None
    folder = parent / name
    try:
        enabled = (parent / "cgroup.subtree_control").read_text().split()
        if not {"memory", "pids"} <= set(enabled):
            return None
        folder.mkdir()
        (folder / "memory.max").write_text(str(memory))
        with contextlib.suppress(OSError):  # swap accounting, where the kernel has it
            (folder / "memory.swap.max").write_text("0")
        (folder / "pids.max").write_text(str(processes))
    except OSError:
        TreeLimit([folder], "").kill_and_remove(0)
        return None
    return TreeLimit([folder], "cgroup v2")


def available() -> str:
    """Which kind of tree limit a sandbox started now would get (``""``: none), tried for real."""
    tree = create(64 << 20, 8)
    if tree is None:
        return ""
    tree.kill_and_remove(0)
    return tree.kind


def remove_stale() -> None:
    """Remove the groups left behind by graders that have died (a grading process killed mid-way)."""
    for controller in ("memory", "pids", ""):
        parent = own_group(controller)
        if parent is None:
            continue
        for folder in parent.glob(PREFIX + "*"):
            if orphaned(folder.name):
                TreeLimit([folder], "").kill_and_remove(1.0)


def kill_all(pids: Iterable[int]) -> None:
    for pid in pids:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(pid, signal.SIGKILL)


def orphaned(name: str) -> bool:
    """Whether ``name`` (``flask-conformance-<pid>-...``: a cgroup or a workspace) was made by a process
    that is gone, so that nothing will ever close it."""
    creator = name[len(PREFIX) :].split("-", 1)[0]
    return name.startswith(PREFIX) and creator.isdigit() and not alive(int(creator))


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
