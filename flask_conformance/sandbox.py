"""The grader's side of the sandbox: a transport whose app runs in a confined child process.

The submission runs in a temporary copy of its folder, in a child forked from
the grader (Flask is imported once, in the grader), in its own session and,
where the OS allows, its own PID and network namespaces. The grade is decided
here, only from the answers that come back over the socket.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import tempfile
import time
from pathlib import Path

from .exchange import Request, Response
from .loading import AppSpec, LoadError
from .sandbox_child import Limits, child_user, run_child
from .sandbox_protocol import ProtocolError, decode_response, encode_request, receive_frame, send_frame

IGNORED = shutil.ignore_patterns(".git", "__pycache__", "*.pyc", ".venv", "venv", "node_modules", ".hypothesis")
LOG_TAIL = 2000


class SandboxTransport:
    """Carries requests to an app living in a sandboxed child; restarts it after a crash."""

    base_url = "http://localhost:5000"

    def __init__(self, spec: AppSpec, limits: Limits | None = None) -> None:
        self.limits = limits or Limits()
        self.workspace = Path(tempfile.mkdtemp(prefix="flask-conformance-"))
        self.spec = _copy_into(spec, self.workspace / "submission")
        self.log_path = self.workspace / "output.log"
        self.description = ""
        self.timeouts = 0
        self.crashes = 0
        self.gave_up = ""
        self.route_crashes: dict[tuple[str, str], int] = {}
        self.broken_routes: dict[tuple[str, str], str] = {}
        self._sock: socket.socket | None = None
        self._outer = 0
        self._inner = 0

    def start(self) -> str:
        """Start the child and wait for its import; raises LoadError with the reason it failed."""
        parent_sock, child_sock = socket.socketpair()
        read_pid, write_pid = os.pipe()
        outer = os.fork()
        if outer == 0:  # pragma: no cover - runs in the child, which never returns
            try:
                parent_sock.close()
                os.close(read_pid)
                run_child(child_sock, write_pid, self.spec, self.spec_folder, self.log_path, self.limits)
            finally:
                os._exit(70)
        child_sock.close()
        os.close(write_pid)
        self._outer, self._sock = outer, parent_sock
        with os.fdopen(read_pid, "rb") as pid_file:
            self._inner = int(pid_file.read(32) or b"0")
        parent_sock.settimeout(self.limits.startup_timeout)
        try:
            message = receive_frame(parent_sock)
        except TimeoutError:
            self.stop()
            raise LoadError(
                f"the submission did not finish importing within {self.limits.startup_timeout:g} s. "
                "Does it call app.run() outside `if __name__ == '__main__':`, wait for input, or loop forever?"
            ) from None
        except (EOFError, ProtocolError, OSError):
            status = self.stop()
            raise LoadError(
                f"the submission exited while it was being imported ({_exit_reason(status)}). "
                f"Remove the exit from module level.{self._log_hint()}"
            ) from None
        if "ready" in message:
            self.description = str(message["ready"])
            return self.description
        self.stop()
        raise LoadError(str(message.get("load_error", "the submission sent an unexpected message")))

    @property
    def spec_folder(self) -> Path:
        return self.workspace / "submission"

    def handle_request(self, request: Request) -> Response:
        """Carry one request. A route (method and first path segment) that hung once, or crashed the app
        ``crashes_per_route`` times, fails at once from then on, so one broken page costs bounded time
        and does not take the other routes' checks down with it."""
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
        self._sock.settimeout(self.limits.request_timeout)
        try:
            send_frame(self._sock, encode_request(request))
            return decode_response(receive_frame(self._sock))
        except TimeoutError:
            self.stop()
            self.timeouts += 1
            limit = f"{self.limits.request_timeout:g} s"
            self.broken_routes[route] = f"an earlier {route[0]} {route[1]} request got no answer within {limit}"
            if self.timeouts >= self.limits.timeouts_before_giving_up:
                self.gave_up = f"the app stopped answering ({self.timeouts} requests timed out), so the kit gave up"
            return Response(0, error=f"no answer within {limit}; the app was stopped")
        except (EOFError, ProtocolError, OSError) as failure:
            status = self.stop()
            self.crashes += 1
            self.route_crashes[route] = self.route_crashes.get(route, 0) + 1
            what = f"sent {failure}" if isinstance(failure, ProtocolError) else f"died ({_exit_reason(status)})"
            if self.route_crashes[route] >= self.limits.crashes_per_route:
                self.broken_routes[route] = f"the app's process {what} on {route[0]} {route[1]} requests, each time"
            if self.crashes >= self.limits.crashes_before_giving_up:
                self.gave_up = f"the app crashed {self.crashes} times, so the kit gave up on it"
            return Response(0, error=f"the app's process {what} while answering")

    def stop(self) -> int | None:
        """Kill the child and everything it started; returns the child's exit status when known."""
        if self._sock is not None:
            self._sock.close()
            self._sock = None
        if not self._outer:
            return None
        for pid in (self._inner,):
            if pid:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
        status = _wait(self._outer, 2.0)
        if status is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self._outer, signal.SIGKILL)
            status = _wait(self._outer, 2.0)
        self._outer = self._inner = 0
        return status

    def close(self) -> None:
        self.stop()
        shutil.rmtree(self.workspace, ignore_errors=True)

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


def route_key(request: Request) -> tuple[str, str]:
    """``("GET", "/success/...")`` for ``GET /success/alice``: what one view most likely answers."""
    segment = request.path.lstrip("/").split("/", 1)[0]
    rest = "/..." if request.path.lstrip("/").count("/") else ""
    return request.method, f"/{segment}{rest}"


def _wait(pid: int, timeout: float) -> int | None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            done, status = os.waitpid(pid, os.WNOHANG)
        except ChildProcessError:
            return None
        if done:
            return os.waitstatus_to_exitcode(status)
        if time.monotonic() > deadline:
            return None
        time.sleep(0.005)


def _exit_reason(status: int | None) -> str:
    if status is None:
        return "it was stopped"
    if status >= 128:
        return (
            f"killed by signal {signal.Signals(status - 128).name}"
            if status - 128 in signal.valid_signals()
            else f"status {status}"
        )
    return f"exit status {status}"


def _copy_into(spec: AppSpec, destination: Path) -> AppSpec:
    """A private copy of the submission, owned by the user the child runs as."""
    if spec.path is None:
        destination.mkdir(parents=True)
        return AppSpec(module=spec.module, attribute=spec.attribute, search_path=spec.search_path or Path.cwd())
    source = spec.path.resolve()
    if source.is_dir():
        shutil.copytree(source, destination, ignore=IGNORED, symlinks=True)
        copied = destination
    else:
        destination.mkdir(parents=True)
        shutil.copy2(source, destination / source.name)
        for sibling in ("templates", "static"):
            if (source.parent / sibling).is_dir():
                shutil.copytree(source.parent / sibling, destination / sibling, ignore=IGNORED, symlinks=True)
        copied = destination / source.name
    user = child_user()
    if user is not None:
        _give_to(destination, *user)
    return AppSpec(path=copied, attribute=spec.attribute)


def _give_to(folder: Path, uid: int, gid: int) -> None:
    os.chmod(folder.parent, 0o711)  # the child may pass through the workspace, not list or change it
    for root, folders, files in os.walk(folder):
        os.chown(root, uid, gid)
        for name in folders + files:
            os.lchown(os.path.join(root, name), uid, gid)
