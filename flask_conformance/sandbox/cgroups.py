"""Limits on a sandbox's whole process tree: a memory, a pids and, where it can, a cpu cgroup of its own.

Where the machine lets the grader write cgroups (cgroup v1 ``memory`` and ``pids`` controllers, or a v2
group with both enabled for its children), each sandbox gets a group below the grader's own, so the limit
holds however many processes the submission starts. Elsewhere ``create`` returns None and the sandbox
falls back on per-process and per-uid limits (see SECURITY.md).

The cpu group (v1 ``cpu``, or v2 with ``cpu`` delegated) makes the whole tree one entity to the
scheduler, so sixty busy processes of one submission weigh no more than a classmate's one, and caps it at
``cores`` CPUs (where a parent's smaller cap refuses that, the group stays, uncapped). Where there is no
cpu group, the kernel's autogroup weighs the tree as one where it can (``cpu_sharing``).
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
CONTROLLERS = ("memory", "pids", "cpu", "")  # the v1 hierarchies a sandbox's groups are in, and v2's
AUTOGROUP = Path("/proc/sys/kernel/sched_autogroup_enabled")


class TreeLimit:
    """The cgroup folders of one sandbox; ``procs_files`` are where its first process writes its pid."""

    def __init__(self, folders: list[Path], kind: str, cpu: str = "") -> None:
        self.folders = folders
        self.kind = kind
        self.cpu = cpu  # "capped", "grouped" (a cpu group the machine would not let cap), or "": none

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


CPU_PERIOD = 100_000  # microseconds: the scheduler's default period for a quota


def create(memory: int, processes: int, cores: float) -> TreeLimit | None:
    """A fresh group with these limits, or None where the machine does not allow one. The cpu part is
    optional: a machine that lets the grader limit memory and processes but not CPU still gets those two."""
    name = f"{PREFIX}{os.getpid()}-{uuid.uuid4().hex[:12]}"
    try:
        return _create_v1(name, memory, processes, cores) or _create_v2(name, memory, processes, cores)
    except BaseException:  # Ctrl-C, or SIGTERM made one, between two folders: none of them stays behind
        for folder in groups_named(name):
            with contextlib.suppress(OSError):
                folder.rmdir()
        raise


def _cpu_quota(cores: float) -> int:
    return max(1000, int(cores * CPU_PERIOD))


def _create_v1(name: str, memory: int, processes: int, cores: float) -> TreeLimit | None:
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
    cpu_parent = own_group("cpu")
    if cpu_parent is None:
        return TreeLimit(created, "cgroup v1")
    cpu_group = cpu_parent / name
    try:
        cpu_group.mkdir()
    except OSError:
        return TreeLimit(created, "cgroup v1")
    capped = _cap(cpu_group, "cpu.cfs_period_us", str(CPU_PERIOD))
    capped = capped and _cap(cpu_group, "cpu.cfs_quota_us", str(_cpu_quota(cores)))
    return TreeLimit([*created, cpu_group], "cgroup v1", cpu="capped" if capped else "grouped")


def _cap(group: Path, name: str, value: str) -> bool:
    try:
        (group / name).write_text(value)
    except OSError:
        return False
    return True


def _create_v2(name: str, memory: int, processes: int, cores: float) -> TreeLimit | None:
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
    if "cpu" not in enabled:
        return TreeLimit([folder], "cgroup v2")
    capped = _cap(folder, "cpu.max", f"{_cpu_quota(cores)} {CPU_PERIOD}")
    return TreeLimit([folder], "cgroup v2", cpu="capped" if capped else "grouped")


def available() -> TreeLimit | None:
    """The tree limit a sandbox started now would get (None: none), tried for real and removed again."""
    tree = create(64 << 20, 8, 1.0)
    if tree is not None:
        tree.kill_and_remove()  # empty, it goes at once; a memory group can refuse for a moment
    return tree


def groups_named(prefix: str = PREFIX) -> list[Path]:
    """The groups below this process's own, in every hierarchy, whose names start with ``prefix``."""
    found: list[Path] = []
    for controller in CONTROLLERS:
        parent = own_group(controller)
        if parent is not None:
            found += parent.glob(prefix + "*")
    return found


def remove_stale() -> None:
    """Remove the groups left behind by graders that have died (a grading process killed mid-way)."""
    for folder in groups_named():
        if orphaned(folder.name):
            TreeLimit([folder], "").kill_and_remove(1.0)


# A shell that writes its own pid into each cgroup.procs file given before ``--``, then becomes the command
# after it: every process the command starts is born in the groups.
_JOIN = 'for f; do [ "$f" = -- ] && break; echo $$ > "$f" || exit 125; shift; done; shift; exec "$@"'


def joined(tree: TreeLimit, command: list[str]) -> list[str]:
    """``command``, run inside ``tree``'s groups from its first instruction."""
    return ["/bin/sh", "-c", _JOIN, "sh", *map(str, tree.procs_files), "--", *command]


def cpu_sharing(tree: TreeLimit | None) -> str:
    """How the CPU is shared between a sandbox's tree and everything else, in SECURITY.md's words.

    Without a cpu group, the kernel's autogroup (a scheduling group per session: every sandbox starts a
    session of its own) still weighs a tree as one, but only for processes in the root cpu group: inside a
    container's group it does nothing."""
    if tree is not None and tree.cpu:
        return tree.cpu
    try:
        autogroup = AUTOGROUP.read_text().strip() == "1"
    except OSError:
        autogroup = False
    return "autogroup" if autogroup and _in_the_root_cpu_group() else ""


def _in_the_root_cpu_group() -> bool:
    cpu = own_group("cpu")
    if cpu is not None:
        return cpu == ROOT / "cpu"
    if (ROOT / "cgroup.controllers").is_file():  # cgroup v2 only
        return own_group("") == ROOT
    return False  # no cgroup to read: not known, so not claimed


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
