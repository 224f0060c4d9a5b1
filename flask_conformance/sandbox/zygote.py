"""The grader's side of the zygote (``zygote_child``): started once a batch, before any submission is read.

A batch that runs as root, with bubblewrap and cgroups, starts one; its grading processes inherit it. A
sandbox is then built by bubblewrap as always (``sandbox_command``), around a program that only holds its
namespaces, and the zygote forks the app's process into it: the interpreter start and Flask's import, most
of a cold sandbox's start, are paid once a batch. Anything less (no zygote, or one that fails) starts the
sandbox cold; the isolation is the same, and a sandbox's ``isolation`` says which start it had.
"""

from __future__ import annotations

import contextlib
import json
import os
import select
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from ..data.tree_removal import remove_tree
from . import cgroups, sandbox_command
from .sandbox_child import CHILD_MODULES
from .zygote_child import JOINED

ZYGOTE_MODULES = (*CHILD_MODULES, "sandbox/zygote_child.py")


COLD = "cold"  # FLASK_CONFORMANCE_SANDBOX's value for a batch without a zygote
SEND_TIMEOUT = 5.0


class ZygoteError(Exception):
    """The zygote could not fork a sandbox's app: the sandbox starts cold instead."""


class Zygote:
    """A running zygote and the control socket its requests go through (shared by the grading processes:
    a SOCK_SEQPACKET message is never interleaved with another's)."""

    def __init__(self) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix=f"{cgroups.PREFIX}{os.getpid()}-zygote-"))
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        try:
            kit = self.folder / sandbox_command.KIT_PACKAGE
            sandbox_command.copy_modules(kit, ZYGOTE_MODULES)
            boot = (
                f"import sys; sys.path.insert(0, {str(self.folder)!r}); "
                f"from {sandbox_command.KIT_PACKAGE}.sandbox.zygote_child import main; main({theirs.fileno()})"
            )
            with theirs:
                self.process = subprocess.Popen(
                    [sys.executable, "-I", "-B", "-c", boot],
                    stdin=subprocess.DEVNULL,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                    pass_fds=(theirs.fileno(),),
                    cwd="/",
                    env={},
                    start_new_session=True,
                )
        except BaseException:
            ours.close()
            theirs.close()
            remove_tree(self.folder)
            raise
        # A request waits this long at most for a zygote that stopped reading: then the sandbox starts cold.
        ours.settimeout(SEND_TIMEOUT)
        self.control = ours

    def fork(self, holder: int, groups: list[Path], app_socket: int, log: int, status: int) -> None:
        """Ask for the app's process of the sandbox whose namespaces ``holder`` is in, born in ``groups``
        (cgroup.procs files); raises ZygoteError. The zygote is sent descriptors only: the namespaces and
        files opened here, so that however late it serves the request, they are this sandbox's."""
        opened: list[int] = []
        try:
            for name in JOINED:
                opened.append(os.open(f"/proc/{holder}/ns/{name}", os.O_RDONLY | os.O_CLOEXEC))
            for procs in (*groups, *(group.parent.parent / "cgroup.procs" for group in groups)):
                opened.append(os.open(procs, os.O_WRONLY | os.O_CLOEXEC))
            request = json.dumps({"groups": len(groups)}).encode()
            socket.send_fds(self.control, [request], [app_socket, log, status, *opened])
        except OSError as error:
            raise ZygoteError(f"the zygote could not be asked: {error}") from None
        finally:
            for descriptor in opened:
                os.close(descriptor)

    def close(self) -> None:
        self.control.close()
        with contextlib.suppress(ProcessLookupError):
            self.process.kill()
        self.process.wait()
        remove_tree(self.folder)


def read_status_line(status: int, timeout: float) -> str | None:
    """The next line reported on a status pipe (by a holder or a bridge), or None if none comes whole
    within ``timeout`` or the pipe closes first."""
    deadline = time.monotonic() + timeout
    poller = select.poll()
    poller.register(status, select.POLLIN)
    line = b""
    while not line.endswith(b"\n") and len(line) <= 4096:
        left = deadline - time.monotonic()
        if left <= 0 or not poller.poll(left * 1000):
            return None
        chunk = os.read(status, 1)
        if not chunk:
            return None
        line += chunk
    return line.decode(errors="replace").strip() if line.endswith(b"\n") else None


def namespaced_command(pids: set[int]) -> int | None:
    """Of a sandbox's processes, the program bubblewrap runs in it: pid 2 of its PID namespace (1 is
    bubblewrap's init there)."""
    for pid in pids:
        with contextlib.suppress(OSError):
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                fields = line.split()
                if fields[:1] == ["NSpid:"] and len(fields) > 2 and fields[-1] == "2":
                    return pid
    return None


_running: Zygote | None = None


def start() -> None:
    """Start the batch's zygote where it can serve (root, bubblewrap, and cgroups), unless told to start every
    sandbox cold (``FLASK_CONFORMANCE_SANDBOX=cold``)."""
    global _running
    if os.environ.get(sandbox_command.ENVIRONMENT_SWITCH, "").lower() == COLD:
        return
    if _running is not None or os.getuid() != 0 or sandbox_command.find_bubblewrap() is None:
        return
    if cgroups.available() is None:
        return
    try:
        _running = Zygote()
    except OSError:  # no zygote (no room for its folder, no process to spare): every sandbox starts cold
        _running = None


def running() -> Zygote | None:
    return _running


def stop() -> None:
    global _running
    if _running is not None:
        _running.close()
        _running = None
