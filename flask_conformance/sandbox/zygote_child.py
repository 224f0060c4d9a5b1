"""The zygote: a clean interpreter with Flask imported, forking a warm sandbox child for each submission.

The grader starts it as it starts a cold sandbox (a fresh interpreter: no argv, environment or descriptor
of the grader's but its control socket), before it has graded anything, and it never reads a submission:
each request is a handful of descriptors, of a sandbox that bubblewrap has already built (its
namespaces, the cgroup.procs files of its groups) and of the app's socket, log and status pipe. For
each, the zygote forks a bridge, which joins the groups and the namespaces, forks the app's process
inside them, and reports on the pipe first ``ready`` (or why not) and later that process's exit status.
The app's process then is what a cold sandbox's interpreter is once Flask is imported: it runs
``sandbox_child.main``, which drops to the leased uid. Only the import is saved, and an import a
submission shadows (a ``werkzeug.py`` of its own) is done again, as a cold interpreter would do it.
"""

from __future__ import annotations

import contextlib
import ctypes
import json
import os
import signal
import socket
import sys

from .sandbox_child import main as run_sandbox

# The namespaces bubblewrap made, joined in this order (the mount namespace last); cgroup by the app's
# process itself, once the bridge, which goes back to its own groups, has forked it.
NAMESPACES = ("ipc", "uts", "net", "pid", "mnt")
JOINED = (*NAMESPACES, "cgroup")  # the namespace descriptors a request carries, in this order
PR_SET_NO_NEW_PRIVS = 38
PR_SET_PDEATHSIG = 1
PR_CAPBSET_DROP = 24
LAST_CAPABILITY = 63
MAX_REQUEST = 64 << 10
MAX_DESCRIPTORS = 32  # three, the namespaces, and two cgroup.procs files for each of at most four groups
# Kept in the bounding set until the app's process becomes its leased uid, which clears them: CAP_SETGID, CAP_SETUID.
KEPT_CAPABILITIES = (6, 7)


def warm_up() -> frozenset[str]:
    """Import Flask and what its first request imports; returns the modules this added."""
    before = set(sys.modules)
    import flask

    app = flask.Flask("zygote")
    app.add_url_rule("/", "index", lambda: flask.redirect("/x"))
    app.test_client().get("/")
    return frozenset(set(sys.modules) - before)


def _libc() -> ctypes.CDLL:
    return ctypes.CDLL(None, use_errno=True)


def _check(result: int, what: str) -> None:
    if result != 0:
        error = ctypes.get_errno()
        raise OSError(error, f"{what}: {os.strerror(error)}")


def main(control_descriptor: int) -> None:
    """Serve fork requests until the grader closes the control socket; in an app's process, run it."""
    _check(_libc().prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0), "prctl(PDEATHSIG)")
    warm = warm_up()
    os.umask(0o022)
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # bridges are reaped by the kernel; each reports itself
    control = socket.socket(fileno=control_descriptor)
    while True:
        try:
            message, descriptors, _, _ = socket.recv_fds(control, MAX_REQUEST, MAX_DESCRIPTORS)
        except InterruptedError:
            continue
        if not message:  # every grading process has closed its end: the batch is over
            return
        if len(descriptors) < 3 + len(JOINED):  # not a request the grader sends
            for descriptor in descriptors:
                os.close(descriptor)
            continue
        if os.fork() == 0:
            control.detach()
            os.close(control_descriptor)
            app_socket = _bridge(message, descriptors)
            run_sandbox(app_socket, warm)  # only the app's process returns from _bridge
            return
        for descriptor in descriptors:
            os.close(descriptor)


def _bridge(message: bytes, descriptors: list[int]) -> int:  # pragma: no cover - forked
    """In the bridge: join the sandbox and fork the app's process into it, then wait for it and report its
    exit status. Returns only in the app's process, with its socket's descriptor.

    ``descriptors``, in the order the grader sent them: the app's socket, its log, the status pipe, the
    sandbox's namespaces (``JOINED``), the cgroup.procs files of its groups, and of the groups the
    sandbox's are made in (where the bridge goes back to). Descriptors, not pids or paths: a namespace
    held open is the one the grader opened, however late the request is served."""
    app_socket, status = descriptors[0], descriptors[2]
    try:
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        _keep_only(descriptors)
        groups = int(json.loads(message)["groups"])
        joined = dict(zip(JOINED, descriptors[3 : 3 + len(JOINED)], strict=True))
        procs = descriptors[3 + len(JOINED) :]
        if len(procs) != 2 * groups:
            raise ValueError(f"{len(procs)} cgroup files for {groups} groups")
        entered, home = procs[:groups], procs[groups:]
        for descriptor in entered:
            os.write(descriptor, b"0")  # "0": the writer, this bridge; the app's process is born inside
            os.close(descriptor)
        libc = _libc()
        for name in NAMESPACES:
            _check(libc.setns(joined[name], 0), f"setns({name})")
            os.close(joined.pop(name))
        app = os.fork()
    except BaseException as error:
        _report(status, f"failed: {type(error).__name__}: {error}")
        os._exit(1)
    if app == 0:
        return _enter(app_socket, status, joined["cgroup"], home)
    os.close(app_socket)
    os.close(joined["cgroup"])
    for descriptor in home:  # the bridge leaves the groups, so that killing the tree leaves it to report
        with contextlib.suppress(OSError):
            os.write(descriptor, b"0")
        os.close(descriptor)
    _, wait_status = os.waitpid(app, 0)
    _report(status, str(os.waitstatus_to_exitcode(wait_status)))
    os._exit(0)


def _enter(app_socket: int, status: int, cgroup_namespace: int, home: list[int]) -> int:  # pragma: no cover
    """The app's process, born in the sandbox's groups and namespaces: made what bubblewrap makes the
    program it runs (a session of its own, no new privileges, dead with its parent), then given over."""
    try:
        for descriptor in home:
            os.close(descriptor)
        libc = _libc()
        _check(libc.setns(cgroup_namespace, 0), "setns(cgroup)")
        os.close(cgroup_namespace)
        os.setsid()
        _check(libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0), "prctl(PDEATHSIG)")
        _check(libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), "prctl(NO_NEW_PRIVS)")
        for capability in range(LAST_CAPABILITY + 1):  # none can come back, whatever the app executes
            if capability not in KEPT_CAPABILITIES:
                libc.prctl(PR_CAPBSET_DROP, capability, 0, 0, 0)
        os.chdir("/")
    except BaseException as error:
        _report(status, f"failed: {type(error).__name__}: {error}")
        os._exit(1)
    _report(status, "ready")
    os.close(status)
    return app_socket


def _report(status: int, line: str) -> None:
    with contextlib.suppress(OSError):  # a grader that stopped listening has nothing more to learn
        os.write(status, f"{line}\n".encode())


def _keep_only(kept: list[int]) -> None:
    """The log (``kept[1]``) becomes stdout and stderr; every descriptor the zygote had but ``kept`` is
    closed."""
    os.dup2(kept[1], 1)
    os.dup2(kept[1], 2)
    os.close(kept[1])
    keep = set(kept) - {kept[1]}
    for descriptor in range(3, max(keep) + 1):
        if descriptor not in keep:
            with contextlib.suppress(OSError):
                os.close(descriptor)
    os.closerange(max(keep) + 1, os.sysconf("SC_OPEN_MAX"))
