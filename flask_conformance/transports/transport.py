"""One transport interface: ``handle_request(request) -> response`` and ``close()``.

In-process WSGI and real HTTP are two implementations; the sandbox is a third
(``sandbox.py``). The spec never knows which one carries its requests.
"""

from __future__ import annotations

import contextlib
import http.client
import io
import socket
import sys
import threading
import time
from dataclasses import replace
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import unquote_to_bytes, urlsplit

from ..data.exchange import Request, Response, not_a_status, status_code
from .raised import raised

MAX_BODY = 1 << 20
TIME_RAN_OUT = "ran out before this check"  # DeadlineTransport's words, which the grade looks for


def time_ran_out(seconds: float) -> str:
    return f"the {seconds:g} s the grader gives one submission {TIME_RAN_OUT}"


class Transport(Protocol):
    """Carries requests to a target. ``handle_request`` may be called from several threads at once (the
    client's checks, and a browser's requests through the live server); each caller gets its own answer."""

    base_url: str

    def handle_request(self, request: Request) -> Response: ...

    def close(self) -> None: ...


class WsgiTransport:
    """Calls a WSGI app in this process, through Werkzeug's environ builder.

    Werkzeug decodes percent-escapes into PATH_INFO as latin-1, as PEP 3333
    asks; httpx's WSGITransport does not, and breaks non-ASCII names. A server
    error carries the exception behind it (Flask's ``got_request_exception``),
    with its frames in the files under ``root`` (default: the app's root_path).
    """

    base_url = "http://localhost:5000"

    def __init__(self, app: object, root: Path | None = None) -> None:
        self.app = app
        root_path = getattr(app, "root_path", None)
        self.root = root if root is not None else Path(root_path) if isinstance(root_path, str) else None
        self._raised = threading.local()  # the signal is sent in the thread that handles the request
        self._signal = _request_exception_signal(app)
        if self._signal is not None:
            self._signal.connect(self._record, app, weak=False)

    def _record(self, sender: object, exception: BaseException, **extra: object) -> None:
        self._raised.exception = exception

    def handle_request(self, request: Request) -> Response:
        self._raised.exception = None
        response = self._call(request)
        exception, self._raised.exception = self._raised.exception, None
        if response.status >= 500 and exception is not None:
            response = replace(response, raised=raised(exception, self.root))
        return response

    def _call(self, request: Request) -> Response:
        from werkzeug.test import run_wsgi_app

        environ = wsgi_environ(request)
        try:
            chunks, status, headers = run_wsgi_app(self.app, environ)  # type: ignore[arg-type]
            body = bytearray()
            try:
                for chunk in chunks:
                    body += chunk
                    if len(body) > MAX_BODY:
                        break
            finally:
                close = getattr(chunks, "close", None)
                if close is not None:
                    close()
        except Exception as error:  # the app's own crash is a 500 on a real server
            self._raised.exception = error
            return Response(500, (), b"", error=f"the app raised {type(error).__name__}: {error}")
        code = status_code(status)
        if code is None:
            return not_a_status(status)
        return Response(code, tuple(headers.items()), bytes(body[:MAX_BODY]))

    def close(self) -> None:
        if self._signal is not None:
            self._signal.disconnect(self._record, self.app)
            self._signal = None


def _request_exception_signal(app: object) -> Any:
    """Flask's signal for an exception a view raised (Flask answers 500 itself), taken from the Flask the
    app was built with: the loader unloads what the submission imported, so ``import flask`` here could
    give a second copy whose signal the app never sends."""
    for cls in type(app).__mro__:
        if cls.__module__ == "flask.app" and cls.__name__ == "Flask":
            handler = vars(cls).get("handle_exception")
            return getattr(handler, "__globals__", {}).get("got_request_exception")
    return None


def wsgi_environ(request: Request) -> dict[str, object]:
    """The WSGI environ a server builds for ``request`` (PEP 3333).

    PATH_INFO carries the percent-decoded bytes as latin-1 characters, which
    Flask decodes back as UTF-8. Built by hand: Werkzeug's EnvironBuilder
    costs more than the app it calls, hundreds of times per submission.
    """
    environ: dict[str, object] = {
        "REQUEST_METHOD": request.method,
        "SCRIPT_NAME": "",
        "PATH_INFO": unquote_to_bytes(request.path).decode("latin-1"),
        "QUERY_STRING": request.query,
        "SERVER_NAME": "localhost",
        "SERVER_PORT": "5000",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_HOST": "localhost:5000",
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(request.body),
        "wsgi.input_terminated": True,
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": False,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
    }
    if request.body:
        environ["CONTENT_LENGTH"] = str(len(request.body))
    for key, value in request.headers:
        name = key.upper().replace("-", "_")
        if name in ("CONTENT_TYPE", "CONTENT_LENGTH"):
            environ[name] = value
        else:
            environ["HTTP_" + name] = value
    return environ


class HttpTransport:
    """Sends requests over a real connection to a live server in any language."""

    def __init__(self, base_url: str, timeout: float = 5.0) -> None:
        parts = urlsplit(base_url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"not an http(s) URL: {base_url}")
        self.scheme = parts.scheme
        self.host = parts.hostname
        self.port = parts.port or (443 if parts.scheme == "https" else 80)
        self.prefix = parts.path.rstrip("/")
        self.base_url = f"{parts.scheme}://{parts.netloc}{self.prefix}"
        self.timeout = timeout

    def handle_request(self, request: Request) -> Response:
        """One request, answered whole within ``timeout`` seconds: a server that drips its answer a byte at a
        time is cut off at the deadline, not only when one read waits too long."""
        if request.method == "HEAD":
            return self._head(request)
        connection_class = http.client.HTTPSConnection if self.scheme == "https" else http.client.HTTPConnection
        connection = connection_class(self.host, self.port, timeout=self.timeout)
        headers = dict(request.headers)
        if request.body or request.method in ("POST", "PUT", "PATCH"):
            headers.setdefault("Content-Length", str(len(request.body)))
        cut = threading.Event()
        deadline = threading.Timer(self.timeout, _cut, (connection, cut))
        deadline.start()
        try:
            connection.request(
                request.method,
                self.prefix + request.target,
                body=request.body or None,
                headers=headers,
            )
            answer = connection.getresponse()
            body = answer.read(MAX_BODY)
            if cut.is_set():
                raise TimeoutError
            if status_code(answer.status) is None:
                return not_a_status(f"{answer.status} {answer.reason}")
            return Response(answer.status, tuple(answer.getheaders()), body)
        except http.client.BadStatusLine as error:
            received = str(error.args[0] if error.args else "")
            version, _, line = received.partition(" ")
            whole = received.endswith("\n") and not cut.is_set()  # not a line the deadline cut short
            if whole and version.startswith("HTTP/") and not isinstance(error, http.client.RemoteDisconnected):
                return not_a_status(line)  # HTTP, with a code that is not three digits
            return self._no_answer(error, cut.is_set())
        except (OSError, http.client.HTTPException) as error:
            return self._no_answer(error, cut.is_set())
        finally:
            deadline.cancel()
            connection.close()

    def _head(self, request: Request) -> Response:
        """HEAD read to the end of the connection: ``http.client`` reads no body for HEAD, so a server that
        sends one anyway would pass for correct. Whatever follows the headers is the body it sent."""
        deadline = time.monotonic() + self.timeout
        lines = [f"HEAD {self.prefix + request.target} HTTP/1.1", f"Host: {self.host}:{self.port}", "Connection: close"]
        lines += [f"{key}: {value}" for key, value in request.headers]
        try:
            sock = socket.create_connection((self.host, self.port), timeout=self.timeout)
            if self.scheme == "https":
                import ssl

                sock = ssl.create_default_context().wrap_socket(sock, server_hostname=self.host)
            with sock:
                sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1", "replace"))
                data = _read_until_closed(sock, deadline)
        except OSError as error:
            return self._no_answer(error)
        head, separator, body = data.partition(b"\r\n\r\n")
        status_line, *header_lines = head.decode("latin-1").split("\r\n")
        version, _, line = status_line.partition(" ")
        if not separator or not version.startswith("HTTP/"):
            return Response(0, error="the server's answer to HEAD is not HTTP")
        code = status_code(line)
        if code is None:
            return not_a_status(line)
        headers = tuple(
            (key.strip(), value.strip()) for key, _, value in (line.partition(":") for line in header_lines) if key
        )
        return Response(code, headers, body[:MAX_BODY])

    def _no_answer(self, error: Exception, cut: bool = False) -> Response:
        """Why nothing (whole) came back, in the student's terms; ``cut``: the deadline ended the answer."""
        if isinstance(error, TimeoutError):
            return Response(0, error=f"no answer within {self.timeout:g} s")
        if isinstance(error, ConnectionRefusedError):
            return Response(0, error=f"connection refused by {self.host}:{self.port}")
        if cut:
            return Response(0, error=f"no whole answer within {self.timeout:g} s")
        return Response(0, error=f"connection failed: {type(error).__name__}: {error}")

    def close(self) -> None:
        pass


HEAD_LINGER = 0.5  # after the headers, how long a server that keeps the connection open may take to close it


def _read_until_closed(sock: socket.socket, deadline: float) -> bytes:
    """Everything the server sends until it closes (bounded), or until it has been quiet for HEAD_LINGER
    seconds after its headers, or the deadline."""
    data = bytearray()
    while len(data) <= MAX_BODY + (64 << 10):
        if b"\r\n\r\n" in data:
            deadline = min(deadline, time.monotonic() + HEAD_LINGER)
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            if b"\r\n\r\n" in data:
                break
            raise TimeoutError
        sock.settimeout(remaining)
        try:
            chunk = sock.recv(1 << 16)
        except TimeoutError:
            if b"\r\n\r\n" in data:
                break
            raise
        if not chunk:
            break
        data += chunk
    return bytes(data)


def _cut(connection: http.client.HTTPConnection, cut: threading.Event) -> None:
    """Ends a request at its deadline: the blocked read returns at once."""
    cut.set()
    sock = connection.sock
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)


class DeadlineTransport:
    """Any transport, until an overall deadline: after it, every request fails at once, saying why, so a
    submission that runs out of its time still gets the results of the checks that finished."""

    def __init__(self, inner: Transport, seconds: float) -> None:
        self.inner = inner
        self.seconds = seconds
        self.base_url = inner.base_url
        self._deadline = time.monotonic() + seconds

    def handle_request(self, request: Request) -> Response:
        if time.monotonic() > self._deadline:
            return Response(0, error=time_ran_out(self.seconds))
        return self.inner.handle_request(request)

    def close(self) -> None:
        self.inner.close()
