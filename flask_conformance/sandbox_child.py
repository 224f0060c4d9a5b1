"""The child side of the sandbox: confine this process, import the submission, answer requests.

Runs after ``os.fork()`` in the grader and never returns: every path ends in
``os._exit``, so nothing of the grader (pytest, atexit handlers) runs here.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import os
import pwd
import resource
import signal
import socket
import sys
from dataclasses import dataclass
from pathlib import Path

from .loading import AppSpec, LoadError, load_app
from .sandbox_protocol import decode_request, encode_response, receive_frame, send_frame
from .transport import WsgiTransport

CLONE_NEWNS = 0x00020000
CLONE_NEWNET = 0x40000000
CLONE_NEWPID = 0x20000000
PR_SET_PDEATHSIG = 1
PR_CAPBSET_DROP = 24
PR_SET_NO_NEW_PRIVS = 38
MS_RDONLY = 1
MS_NOSUID = 2
MS_NODEV = 4
MS_NOEXEC = 8
MS_REMOUNT = 32
MS_BIND = 4096
MS_REC = 16384
MS_PRIVATE = 1 << 18
CAPABILITY_VERSION_3 = 0x20080522


@dataclass(frozen=True)
class Limits:
    """What a submission may use. Times are wall-clock seconds; sizes are bytes."""

    startup_timeout: float = 10.0
    request_timeout: float = 5.0
    memory: int = 512 << 20
    cpu_seconds: int = 60
    file_size: int = 16 << 20
    processes: int = 64
    crashes_per_route: int = 3
    timeouts_before_giving_up: int = 6
    crashes_before_giving_up: int = 40


def _libc() -> ctypes.CDLL:
    return ctypes.CDLL(None, use_errno=True)


def isolate_namespaces() -> bool:
    """New mount, network and PID namespaces where the OS allows it (as root).

    No network; every process the submission starts dies with it; and, once
    ``read_only_except`` has run, nothing to write but its own copy.
    """
    try:
        return bool(_libc().unshare(CLONE_NEWNS | CLONE_NEWNET | CLONE_NEWPID) == 0)
    except (OSError, AttributeError):
        return False


def read_only_except(writable: Path) -> bool:
    """Remount every mount point read-only in this mount namespace, but a bind of ``writable``."""
    libc = _libc()
    mount = libc.mount
    mount.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_ulong, ctypes.c_void_p]
    if mount(None, b"/", None, MS_REC | MS_PRIVATE, None) != 0:
        return False
    target = str(writable).encode()
    if mount(target, target, None, MS_BIND | MS_REC, None) != 0:
        return False
    all_read_only = True
    for line in Path("/proc/self/mountinfo").read_text().splitlines():
        fields = line.split()
        point, options = fields[4].encode().decode("unicode_escape").encode(), fields[5].split(",")
        if point == target:
            continue
        flags = MS_REMOUNT | MS_BIND | MS_RDONLY
        for option, flag in (("nosuid", MS_NOSUID), ("nodev", MS_NODEV), ("noexec", MS_NOEXEC)):
            if option in options:
                flags |= flag
        if mount(None, point, None, flags, None) != 0 and point in (b"/", b"/tmp", b"/work"):
            all_read_only = False
    return all_read_only


def drop_capabilities() -> None:
    """No capability left, none to regain: a root child cannot remount, or raise its limits."""
    libc = _libc()
    libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)
    for capability in range(64):
        libc.prctl(PR_CAPBSET_DROP, capability, 0, 0, 0)
    header = (ctypes.c_uint32 * 2)(CAPABILITY_VERSION_3, 0)
    data = (ctypes.c_uint32 * 6)()
    libc.capset(header, data)


def interpreter_readable_by_others() -> bool:
    """Whether another user could still import the standard library and the kit (not under /root)."""
    for place in {sys.base_prefix, sys.prefix, str(Path(__file__).resolve().parent)}:
        path = Path(place).resolve()
        for folder in (path, *path.parents):
            if not folder.stat().st_mode & 0o001:
                return False
    return True


def die_with_parent() -> None:
    with contextlib.suppress(OSError, AttributeError):
        _libc().prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)


def redirect_output(log_path: Path, keep: set[int]) -> None:
    """Standard streams go to a log the grader may read; every other inherited descriptor is closed."""
    null = os.open(os.devnull, os.O_RDONLY)
    log = os.open(log_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    os.dup2(null, 0)
    os.dup2(log, 1)
    os.dup2(log, 2)
    for name in os.listdir("/proc/self/fd"):
        descriptor = int(name)
        if descriptor > 2 and descriptor not in keep:
            with contextlib.suppress(OSError):
                os.close(descriptor)
    # The grader's sys.stdout may be pytest's capture, on a descriptor just closed.
    sys.stdin = open(0, closefd=False, encoding="utf-8")  # noqa: SIM115
    sys.stdout = open(1, "w", closefd=False, encoding="utf-8", errors="backslashreplace", buffering=1)  # noqa: SIM115
    sys.stderr = open(2, "w", closefd=False, encoding="utf-8", errors="backslashreplace", buffering=1)  # noqa: SIM115


def _virtual_size() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmSize:"):
            return int(line.split()[1]) * 1024
    return 0


def confine(workdir: Path, limits: Limits) -> None:
    """Limits, a scrubbed environment, the submission's copy as cwd, and the ``nobody`` user."""
    address_space = _virtual_size() + limits.memory
    for limit, value in (
        (resource.RLIMIT_AS, address_space),
        (resource.RLIMIT_CPU, limits.cpu_seconds),
        (resource.RLIMIT_FSIZE, limits.file_size),
        (resource.RLIMIT_NPROC, limits.processes),
        (resource.RLIMIT_CORE, 0),
    ):
        resource.setrlimit(limit, (value, value))
    os.chdir(workdir)
    os.environ.clear()
    os.environ.update(
        {
            "PATH": "/usr/local/bin:/usr/bin:/bin",
            "HOME": str(workdir),
            "LANG": "C.UTF-8",
            "PYTHONDONTWRITEBYTECODE": "1",
            "FLASK_RUN_FROM_CLI": "true",
            "TMPDIR": str(workdir),
        }
    )
    if os.getuid() == 0:
        read_only_except(workdir)
        user = child_user()
        if user is not None:
            os.setgroups([])
            os.setgid(user[1])
            os.setuid(user[0])
        drop_capabilities()
    die_with_parent()  # cleared by the change of user: set it again


def child_user() -> tuple[int, int] | None:
    """The user a root grader's child runs as: ``nobody``, when it can still read the interpreter.

    Otherwise (a Python under /root, mode 700) the child stays root, without any capability: it
    cannot remount, raise its limits or override file permissions, and owns only its own copy.
    """
    if os.getuid() != 0 or not interpreter_readable_by_others():
        return None
    try:
        entry = pwd.getpwnam("nobody")
        return entry.pw_uid, entry.pw_gid
    except KeyError:
        return 65534, 65534


def serve(sock: socket.socket, spec: AppSpec) -> None:
    """Import the app, say so, then answer one request per frame until the grader closes."""
    try:
        app, description = load_app(spec)
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


def run_child(sock: socket.socket, pid_pipe: int, spec: AppSpec, workdir: Path, log_path: Path, limits: Limits) -> None:
    """Process A: a new session and namespaces, then the submission in process B, A's only child."""
    os.setsid()
    die_with_parent()
    redirect_output(log_path, keep={sock.fileno(), pid_pipe})
    isolate_namespaces()
    inner = os.fork()
    if inner == 0:
        # The grader's heap came along with the fork: keep the collector off it (no walks, no copied pages).
        gc.freeze()
        os.close(pid_pipe)
        die_with_parent()
        status = 0
        try:
            confine(workdir, limits)
            serve(sock, spec)
        except BaseException:  # the submission's own crash: the grader sees the closed socket
            status = 1
        finally:
            os._exit(status)
    sock.close()
    os.write(pid_pipe, str(inner).encode())
    os.close(pid_pipe)
    _, status = os.waitpid(inner, 0)
    code = os.waitstatus_to_exitcode(status)
    os._exit(128 - code if code < 0 else code & 0xFF)
