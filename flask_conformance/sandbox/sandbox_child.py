"""The program a sandbox runs: confine itself, copy the submission in, import it, answer requests.

It runs in a fresh interpreter that the grader executes (under bubblewrap where it can), or in a process
a batch's zygote forked into such a sandbox (``zygote_child``), itself a fresh interpreter that has read
no submission: either way it inherits nothing of the grader: no heap holding other students' data, no
argv, no environment, and no file descriptor but its socket and its log (1 and 2). It imports only the
few kit modules bound beside it (``CHILD_MODULES``), never the spec or the grading code.

Its first frame comes from the grader and says who to become and what to copy; every later frame is one
request. Everything it sends back is untrusted by the grader: the submission owns this process.
"""

from __future__ import annotations

import contextlib
import os
import resource
import shutil
import socket
import sys
from pathlib import Path
from typing import Any

from ..transports.loading import AppSpec, LoadError, load_app
from ..transports.sandbox_protocol import decode_request, encode_response, receive_frame, send_frame
from ..transports.transport import WsgiTransport

# The kit modules this program imports, its whole import closure inside the kit: the sandbox binds these
# files and nothing else of the kit (tests/test_sandbox_design.py checks the closure).
CHILD_MODULES = (
    "data/exchange.py",
    "transports/loading.py",
    "transports/raised.py",
    "sandbox/sandbox_child.py",
    "transports/sandbox_protocol.py",
    "transports/transport.py",
)
ENVIRONMENT = {"PATH": "/usr/local/bin:/usr/bin:/bin", "LANG": "C.UTF-8", "FLASK_RUN_FROM_CLI": "true"}


def _virtual_size() -> int:
    try:
        lines = Path("/proc/self/status").read_text().splitlines()
    except OSError:  # no /proc (macOS): the limit counts from nothing
        return 0
    for line in lines:
        if line.startswith("VmSize:"):
            return int(line.split()[1]) * 1024
    return 0


def set_limits(limits: dict[str, Any]) -> None:
    """Per-process limits; they back up the cgroup's limits on the whole tree, or stand in for them."""
    for limit, value in (
        (resource.RLIMIT_AS, _virtual_size() + int(limits["memory"])),
        (resource.RLIMIT_CPU, int(limits["cpu_seconds"])),
        (resource.RLIMIT_FSIZE, int(limits["file_size"])),
        (resource.RLIMIT_NPROC, int(limits["processes"])),
        (resource.RLIMIT_CORE, 0),
    ):
        with contextlib.suppress(ValueError, OSError):  # a limit this OS does not have, or will not lower
            resource.setrlimit(limit, (value, value))


def become(uid: int | None, gid: int | None) -> None:
    """Give up root for the uid the grader leased to this sandbox alone; the kernel clears every capability."""
    if uid is None or gid is None or os.getuid() != 0:
        return
    os.setgroups([])
    os.setgid(gid)
    os.setuid(uid)
    if os.getuid() == 0 or os.geteuid() == 0:  # pragma: no cover - the kernel refused; never run as root
        raise SystemExit(71)


def copy_in(source: Path, workdir: Path) -> None:
    """The submission into its writable folder (a size-limited tmpfs under bubblewrap), owned by this uid."""
    for entry in source.iterdir():
        target = workdir / entry.name
        if entry.is_dir() and not entry.is_symlink():
            shutil.copytree(entry, target, symlinks=True)
        else:
            shutil.copy2(entry, target, follow_symlinks=False)


def serve(sock: socket.socket, spec: AppSpec) -> None:
    """Import the app, say so, then answer one request per frame until the grader closes."""
    try:
        app, description = load_app(spec, restore=False)
    except LoadError as error:
        send_frame(sock, {"load_error": str(error)})
        return
    send_frame(sock, {"ready": description})
    transport = WsgiTransport(app)
    while True:
        try:
            message = receive_frame(sock)
        except EOFError:
            return
        response = transport.handle_request(decode_request(message))
        send_frame(sock, encode_response(response))


def forget_shadowed(workdir: Path, warm: frozenset[str]) -> bool:
    """In a process forked warm (``zygote_child``), whose ``warm`` modules a cold interpreter has not yet
    imported when it loads the app: if the submission has a module or package of the name of one of them
    (a ``werkzeug.py`` of its own), forget them all, so that the app imports them as a cold interpreter
    would, its own file first. Returns whether it did."""
    if not warm:
        return False
    names = {name.split(".")[0] for name in warm}
    shadowing = False
    for entry in workdir.rglob("*"):
        stem = entry.name.split(".")[0]
        if stem in names and (entry.is_dir() or entry.suffix in (".py", ".pyc", ".so")):
            shadowing = True
            break
    if shadowing:
        for name in warm:
            sys.modules.pop(name, None)
    return shadowing


def main(descriptor: int, warm: frozenset[str] = frozenset()) -> None:
    """``warm``: the modules a zygote imported before forking this process (none in a cold interpreter)."""
    sock = socket.socket(fileno=descriptor)
    config = receive_frame(sock, timeout=None)
    set_limits(config["limits"])
    become(config.get("uid"), config.get("gid"))
    workdir = Path(config["workdir"])
    copy_in(Path(config["source"]), workdir)
    forget_shadowed(workdir, warm)
    os.chdir(workdir)
    os.environ.clear()
    os.environ.update(ENVIRONMENT, HOME=str(workdir), TMPDIR=config["tmpdir"])
    relative = config.get("relative_path")
    attribute = config.get("attribute")
    spec = AppSpec(path=workdir / relative if relative else workdir, attribute=attribute)
    if config.get("module"):
        spec = AppSpec(module=config["module"], attribute=attribute, search_path=workdir)
    serve(sock, spec)
