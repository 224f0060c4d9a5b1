"""The grader's side of the sandbox: a transport whose app runs in a confined child process.

Each start executes a fresh interpreter (``sandbox_child``) under bubblewrap, as a uid leased to this
sandbox alone, in a cgroup of its own where the machine allows (``sandbox_command``, ``uid_pool``,
``cgroups``). The child inherits nothing of the grader but one socket. The grade is decided here, only
from the answers that come back over that socket, each bounded before it is read (``sandbox_protocol``).
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import tempfile
import threading
from pathlib import Path

from ..data.exchange import Request, Response
from ..data.limits import Limits
from ..data.tree_removal import remove_tree
from ..reading.submission_copy import CopyReport, copy_submission
from ..transports.loading import AppSpec, LoadError
from ..transports.sandbox_protocol import (
    ProtocolError,
    decode_response,
    encode_request,
    plain_lines,
    plain_text,
    receive_frame,
    send_frame,
)
from . import cgroups, sandbox_command, zygote
from .sandbox_child import CHILD_MODULES
from .tree_watch import TreeWatch
from .uid_pool import NoFreeUid, UidLease, lease_uid

LOG_TAIL = 2000
Popen = subprocess.Popen[bytes]
WARM = "; forked warm by the batch's zygote"  # how a sandbox's isolation says it started warm
WORKSPACE_PREFIX = cgroups.PREFIX  # workspaces and cgroups are named alike: cgroups.orphaned reads both


class SandboxTransport:
    """Carries requests to an app living in a sandboxed child; restarts it after a crash."""

    base_url = "http://localhost:5000"

    def __init__(self, spec: AppSpec, limits: Limits | None = None) -> None:
        self.limits = limits or Limits()
        self.source_spec = spec
        self.workspace = Path(tempfile.mkdtemp(prefix=f"{WORKSPACE_PREFIX}{os.getpid()}-"))
        try:
            os.chmod(self.workspace, 0o711)  # a plain child may pass through to its folders, not list them
            self.copy_report, self._config = _prepare(spec, self.workspace)
        except BaseException:  # Ctrl-C or SIGTERM during the copy too: no close() will come for it
            remove_tree(self.workspace)
            raise
        self.log_path = self.workspace / "output.log"
        self.description = ""
        self.isolation = ""  # what confines it, and how its last start was made (WARM)
        self._confinement = ""
        self.timeouts = 0
        self.crashes = 0
        self.gave_up = ""
        self.route_crashes: dict[tuple[str, str], int] = {}
        self.broken_routes: dict[tuple[str, str], str] = {}
        self._sock: socket.socket | None = None
        self._process: Popen | None = None
        self._status: int | None = None  # a warm start's status pipe, on which its bridge reports the app's exit
        self._lease: UidLease | None = None
        self._tree: cgroups.TreeLimit | None = None
        self._watch: TreeWatch | None = None
        self._bwrap = sandbox_command.find_bubblewrap()
        self._one_at_a_time = threading.Lock()  # one socket, one child: a request and its answer, then the next

    @property
    def spec_folder(self) -> Path:
        """The grader's bounded copy of the submission: where its login.html is read from."""
        return self.workspace / "submission"

    def launch(self) -> None:
        """Start the child and tell it what to load, without waiting: it imports while the grader goes on.
        Warm where the batch's zygote can fork it into its sandbox, cold otherwise."""
        self._prepare_confinement()
        forker = zygote.running()
        if forker is not None and self._bwrap and self._tree is not None and self._lease is not None:
            try:
                self._launch_warm(forker, self._bwrap, self._tree)
                return
            except zygote.ZygoteError:
                self.stop()  # the holder and whatever the bridge forked: then the same sandbox, cold
        self.isolation = self._confinement
        self._launch_cold()

    def _launch_warm(self, forker: zygote.Zygote, bwrap: str, tree: cgroups.TreeLimit) -> None:
        """Bubblewrap builds the sandbox around a holder; the zygote forks the app's process into it."""
        holder = self._start_holder(bwrap, tree)
        parent_sock, child_sock = socket.socketpair()
        status_read, status_write = os.pipe()
        try:
            try:
                with self.log_path.open("ab") as log:
                    forker.fork(holder, tree.procs_files, child_sock.fileno(), log.fileno(), status_write)
            finally:
                child_sock.close()
                os.close(status_write)
            answer = zygote.read_status_line(status_read, self.limits.startup_timeout)
            if answer != "ready":
                raise zygote.ZygoteError(f"the zygote could not fork the app: {answer or 'no answer'}")
        except BaseException:  # no app's process to report on: stop() has no status to wait for
            parent_sock.close()
            os.close(status_read)
            raise
        self._sock, self._status = parent_sock, status_read
        self.isolation = self._confinement + WARM
        self._send_config(sandbox_command.INSIDE_SOURCE, sandbox_command.INSIDE_APP, sandbox_command.INSIDE_TMP)

    def _start_holder(self, bwrap: str, tree: cgroups.TreeLimit) -> int:
        """Start bubblewrap around a holder, in ``tree``; returns the holder's pid once the sandbox is built."""
        ready_read, ready_write = os.pipe()
        try:
            program = sandbox_command.holder_program()
            command = sandbox_command.bubblewrap_command(bwrap, self.workspace, self.limits.disk, program)
            self._process = self._popen(cgroups.joined(tree, command), stdout=ready_write)
        except OSError as error:
            os.close(ready_read)
            raise zygote.ZygoteError(f"bubblewrap could not be started: {error}") from None
        finally:
            os.close(ready_write)
        try:
            if zygote.read_status_line(ready_read, self.limits.startup_timeout) != "ready":
                raise zygote.ZygoteError(f"bubblewrap built no sandbox: {self._log_hint()}")
        finally:
            os.close(ready_read)
        holder = zygote.namespaced_command(tree.pids())
        if holder is None:
            raise zygote.ZygoteError("the sandbox's holder is not among its group's processes")
        return holder

    def _launch_cold(self) -> None:
        """A fresh interpreter, under bubblewrap where it works."""
        parent_sock, child_sock = socket.socketpair()
        descriptor = child_sock.fileno()
        if self._bwrap:
            program = sandbox_command.interpreter_command(sandbox_command.INSIDE_KIT, descriptor)
            command = sandbox_command.bubblewrap_command(self._bwrap, self.workspace, self.limits.disk, program)
            folders = (sandbox_command.INSIDE_SOURCE, sandbox_command.INSIDE_APP, sandbox_command.INSIDE_TMP)
        else:
            command = sandbox_command.interpreter_command(str(self.workspace / "kit"), descriptor)
            app = str(self.workspace / "app")
            folders = (str(self.spec_folder), app, app)
        if self._tree is not None:
            command = cgroups.joined(self._tree, command)
        try:
            self._process = self._popen(command, descriptor)
        except OSError as error:
            parent_sock.close()
            raise LoadError(f"the grader could not start a sandbox: {error}") from None
        finally:
            child_sock.close()
        self._sock = parent_sock
        self._send_config(*folders)

    def _popen(self, command: list[str], descriptor: int | None = None, stdout: int | None = None) -> Popen:
        """``command`` in a session of its own, given nothing of the grader's but ``descriptor``; its output
        goes to the log (its standard output to ``stdout`` if given)."""
        with self.log_path.open("ab") as log:
            return subprocess.Popen(
                command,
                stdin=subprocess.DEVNULL,
                stdout=log if stdout is None else stdout,
                stderr=log,
                pass_fds=() if descriptor is None else (descriptor,),
                cwd=self.workspace,
                env={},
                start_new_session=True,
            )

    def _send_config(self, source: str, workdir: str, tmpdir: str) -> None:
        """The child's first frame: who to become, what to copy where, what to load, its limits."""
        config = {**self._config, "source": source, "workdir": workdir, "tmpdir": tmpdir}
        if self._lease is not None:
            config.update(uid=self._lease.uid, gid=self._lease.gid)
        config["limits"] = self.limits.as_dict()
        assert self._sock is not None
        with contextlib.suppress(OSError):  # a child that died at once is reported by start()
            send_frame(self._sock, config)

    def start(self) -> str:
        """Start the child (unless ``launch`` did) and wait for its import; raises LoadError with the reason
        it failed."""
        if self._process is None:
            self.launch()
        assert self._sock is not None
        try:
            message = receive_frame(self._sock, self.limits.startup_timeout)
        except TimeoutError:
            self.stop()
            raise LoadError(
                f"the submission did not finish importing within {self.limits.startup_timeout:g} s. "
                "Does it call app.run() outside `if __name__ == '__main__':`, wait for input, or loop forever?"
            ) from None
        except (EOFError, ProtocolError, OSError):
            status = self.stop(grace=1.0)
            if self._out_of_memory():
                raise LoadError(
                    f"importing it ran out of memory: its processes used more than {self.tree_memory >> 20} MB "
                    "between them at module level."
                ) from None
            raise LoadError(
                f"the submission exited while it was being imported ({self._exit_reason(status)}). "
                f"Remove the exit from module level.{self._log_hint()}"
            ) from None
        if "ready" in message:
            self.description = plain_text(message["ready"], 200)
            return self.description
        self.stop()
        raise LoadError(plain_lines(message.get("load_error", "the submission sent an unexpected message")))

    def _prepare_confinement(self) -> None:
        """Lease a uid and a cgroup once, for every start of this sandbox; describe what was achieved."""
        if self._confinement:
            return
        if _leases_uid(bool(self._bwrap)):
            try:
                self._lease = lease_uid()
            except NoFreeUid as error:
                raise LoadError(f"the grader could not start a sandbox: {error}") from None
            _kill_every_process_of(self._lease.uid)  # a killed grader's sandbox may still be dying
            if not self._bwrap:
                _give_to(self.workspace / "app", self._lease.uid, self._lease.gid)
        if os.getuid() == 0:
            self._tree = cgroups.create(self.tree_memory, self.limits.processes, self.limits.cores)
        if self._tree is None and self._lease is not None:
            self._watch = TreeWatch(self._lease.uid, self.tree_memory)
            self._watch.start()
        tree = self._tree.kind if self._tree else ("uid-watch" if self._watch else "")
        uid = self._lease.uid if self._lease else None
        self._confinement = describe_isolation(bool(self._bwrap), uid, tree, cgroups.cpu_sharing(self._tree))

    def handle_request(self, request: Request) -> Response:
        """Carry one request, once any other thread's request has its answer. A route (method and first path
        segment) that hung once, or crashed the app ``crashes_per_route`` times, fails at once from then on,
        so one broken page costs bounded time and does not take the other routes' checks down with it."""
        with self._one_at_a_time:
            return self._carry(request)

    def _carry(self, request: Request) -> Response:
        route = route_key(request)
        if self.gave_up or route in self.broken_routes:
            return Response(0, error=self.gave_up or self.broken_routes[route])
        if self._sock is None:
            try:
                self.start()
            except LoadError as error:
                self.gave_up = f"the app could not be restarted: {error}"
                return Response(0, error=self.gave_up)
        assert self._sock is not None
        # Sending has the whole request timeout: receive_frame left the socket with whatever remained of
        # the last answer's deadline, which can be almost nothing.
        self._sock.settimeout(self.limits.request_timeout)
        try:
            send_frame(self._sock, encode_request(request))
            return decode_response(receive_frame(self._sock, self.limits.request_timeout))
        except TimeoutError:
            self.stop()
            self.timeouts += 1
            limit = f"{self.limits.request_timeout:g} s"
            self.broken_routes[route] = f"an earlier {route[0]} {route[1]} request got no answer within {limit}"
            if self.timeouts >= self.limits.timeouts_before_giving_up:
                self.gave_up = f"the app stopped answering ({self.timeouts} requests timed out), so the kit gave up"
            return Response(0, error=f"no answer within {limit}; the app was stopped")
        except (EOFError, ProtocolError, OSError) as failure:
            status = self.stop(grace=0.0 if isinstance(failure, ProtocolError) else 1.0)
            self.crashes += 1
            self.route_crashes[route] = self.route_crashes.get(route, 0) + 1
            what = f"sent {failure}" if isinstance(failure, ProtocolError) else f"died ({self._exit_reason(status)})"
            if self.route_crashes[route] >= self.limits.crashes_per_route:
                self.broken_routes[route] = f"the app's process {what} on {route[0]} {route[1]} requests, each time"
            if self.crashes >= self.limits.crashes_before_giving_up:
                self.gave_up = f"the app crashed {self.crashes} times, so the kit gave up on it"
            return Response(0, error=f"the app's process {what} while answering")

    def stop(self, grace: float = 0.0) -> int | None:
        """Kill the child and everything it started; returns the child's exit status when known.

        ``grace``: how long a child that closed its socket may take to exit by itself, so that its own
        exit status, not the kill, is what the student is told."""
        if self._sock is not None:
            self._sock.close()
            self._sock = None
        process, self._process = self._process, None
        status_pipe, self._status = self._status, None
        exit_status = None
        if process is not None and grace:
            if status_pipe is not None:
                exit_status = _status_number(zygote.read_status_line(status_pipe, grace))
            else:
                with contextlib.suppress(subprocess.TimeoutExpired):
                    process.wait(timeout=grace)
        if process is not None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(process.pid, signal.SIGKILL)
        if self._tree is not None:
            self._tree.kill()
        if self._lease is not None:
            _kill_every_process_of(self._lease.uid)
        try:
            waited = process.wait(timeout=5) if process is not None else None
        except subprocess.TimeoutExpired:  # pragma: no cover - SIGKILL was sent; the kernel is slow
            waited = None
        if status_pipe is None:
            return waited
        if exit_status is None:  # the app's own status, which its bridge reports once the kill reached it
            exit_status = _status_number(zygote.read_status_line(status_pipe, 2.0))
        os.close(status_pipe)
        return exit_status

    def close(self) -> None:
        self.stop()
        if self._tree is not None:
            self._tree.kill_and_remove()
            self._tree = None
        if self._watch is not None:
            self._watch.stop()
        remove_leftovers()
        if self._lease is not None:  # stop() swept the uid of every process when it last stopped the child
            self._lease.release()
            self._lease = None
        remove_tree(self.workspace)

    def output_tail(self) -> str:
        try:
            with self.log_path.open("rb") as log:
                log.seek(0, os.SEEK_END)
                log.seek(max(0, log.tell() - LOG_TAIL))
                return log.read().decode("utf-8", errors="replace")
        except OSError:
            return ""

    def _log_hint(self) -> str:
        tail = self.output_tail().strip()
        return f" Its last output: {tail[-300:]!r}" if tail else ""

    @property
    def tree_memory(self) -> int:
        """The whole tree's memory: one process's limit (which fails first, with MemoryError), its two tmpfs
        folders, and room for the interpreter's own pages."""
        return self.limits.memory + 2 * self.limits.disk + (64 << 20)

    def _out_of_memory(self) -> bool:
        if self._watch is not None and self._watch.tripped:
            return True
        return self._tree is not None and self._tree.out_of_memory()

    def _exit_reason(self, status: int | None) -> str:
        if self._out_of_memory():
            return f"killed when its processes used more than {self.tree_memory >> 20} MB of memory between them"
        return _exit_reason(status)


_prelaunched: list[SandboxTransport] = []


def prelaunch(spec: AppSpec, limits: Limits) -> None:
    """Start a sandbox for ``spec`` now, so that its interpreter and the submission import while the grader
    collects the spec; ``adopt`` hands it to the first target opened with the same spec and limits."""
    sandbox = SandboxTransport(spec, limits)
    try:
        sandbox.launch()
    except LoadError:
        sandbox.close()
        return
    _prelaunched.append(sandbox)


def adopt(spec: AppSpec, limits: Limits) -> SandboxTransport:
    """The sandbox ``prelaunch`` started for this spec and limits, or a new one."""
    for sandbox in _prelaunched:
        if sandbox.source_spec == spec and sandbox.limits == limits:
            _prelaunched.remove(sandbox)
            return sandbox
    return SandboxTransport(spec, limits)


def close_prelaunched() -> None:
    while _prelaunched:
        _prelaunched.pop().close()


def remove_leftovers() -> None:
    """What graders killed before they could close their sandboxes left: cgroups and workspaces, each named
    after the process that made it, removed once that process is gone."""
    cgroups.remove_stale()
    for folder in Path(tempfile.gettempdir()).glob(WORKSPACE_PREFIX + "*"):
        if cgroups.orphaned(folder.name):
            remove_tree(folder)


CPU_SHARING = {
    "capped": "its CPU capped for the whole tree",
    "grouped": "its CPU weighed as one, uncapped",
    "autogroup": "its CPU weighed as one by the kernel's autogroup",
    "": "its CPU shared process by process",
}


def describe_isolation(bubblewrap: bool, uid: int | None, tree: str, cpu: str) -> str:
    """What confines a sandbox, in the words of SECURITY.md's table."""
    parts = ["bubblewrap namespaces" if bubblewrap else "no namespaces (bubblewrap unavailable)"]
    if uid is not None:
        parts.append(f"uid {uid} of its own")
    else:
        parts.append(
            "the grader's own uid" + (" (root: the interpreter is not readable by others)" if os.getuid() == 0 else "")
        )
    if tree == "uid-watch":
        parts.append("memory of the whole tree watched through its uid, processes limited per uid")
    else:
        parts.append(f"{tree} limits on the whole tree" if tree else "per-process limits")
    parts.append(CPU_SHARING[cpu])
    return ", ".join(parts)


def expected_isolation() -> str:
    """What a sandbox started now would get: for the report header, before any submission runs."""
    bubblewrap = sandbox_command.find_bubblewrap() is not None
    leases = _leases_uid(bubblewrap)
    limit = cgroups.available() if os.getuid() == 0 else None
    tree = limit.kind if limit else ("uid-watch" if leases else "")
    described = describe_isolation(bubblewrap, 0 if leases else None, tree, cgroups.cpu_sharing(limit))
    return described.replace("uid 0 of its own", "a uid of its own")


def _leases_uid(bubblewrap: bool) -> bool:
    """A root grader runs each child as a uid of its own, if that uid can still read the interpreter."""
    return os.getuid() == 0 and (bubblewrap or sandbox_command.interpreter_readable_by_others())


def route_key(request: Request) -> tuple[str, str]:
    """``("GET", "/success/...")`` for ``GET /success/alice``: what one view most likely answers."""
    segment = request.path.lstrip("/").split("/", 1)[0]
    rest = "/..." if request.path.lstrip("/").count("/") else ""
    return request.method, f"/{segment}{rest}"


def _status_number(line: str | None) -> int | None:
    """An exit status as a bridge reports it (``-9``: killed by SIGKILL), or None."""
    try:
        return int(line) if line is not None else None
    except ValueError:
        return None


def _exit_reason(status: int | None) -> str:
    if status is None:
        return "it was stopped"
    if status < 0:
        status = 128 - status
    if status > 128:
        number = status - 128
        return (
            f"killed by signal {signal.Signals(number).name}"
            if number in signal.valid_signals()
            else f"status {status}"
        )
    return f"exit status {status}"


def _prepare(spec: AppSpec, workspace: Path) -> tuple[CopyReport, dict[str, object]]:
    """The submission's bounded copy, the kit modules the child runs, and what the child must load."""
    sandbox_command.copy_modules(workspace / "kit" / sandbox_command.KIT_PACKAGE, CHILD_MODULES)
    (workspace / "app").mkdir(mode=0o700)
    destination = workspace / "submission"
    config: dict[str, object] = {"attribute": spec.attribute}
    if spec.path is None:  # a module: trusted code the user asked to isolate, imported from its folder
        report = copy_submission(spec.search_path or Path.cwd(), destination)
        config["module"] = spec.module
        return report, config
    source = spec.path.resolve()
    if source.is_dir():
        return copy_submission(source, destination), config
    report = copy_submission(source.parent, destination, only=(source.name, "templates", "static"))
    config["relative_path"] = source.name
    return report, config


def _give_to(folder: Path, uid: int, gid: int) -> None:
    """The plain child's writable folder belongs to its uid alone."""
    os.chown(folder, uid, gid)


def _kill_every_process_of(uid: int) -> None:
    """SIGKILL whatever still runs as a leased uid (a process that escaped its session), from a helper
    that becomes that uid: kill(-1) then reaches exactly the processes of that uid."""
    helper = os.fork()
    if helper == 0:  # pragma: no cover - runs in the helper
        try:
            os.setgroups([])
            os.setgid(uid)
            os.setuid(uid)
            os.kill(-1, signal.SIGKILL)
        finally:
            os._exit(0)
    os.waitpid(helper, 0)
