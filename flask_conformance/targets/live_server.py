"""Serving any target on a real WSGI server on 127.0.0.1, through its transport.

The server is a thin proxy: each request becomes a ``Request`` for the
target's transport, so a sandboxed submission stays sandboxed while a browser
or ``curl`` talks to it.

A keyed server answers only requests that carry, in the ``KEY_COOKIE`` cookie, the key of a browser
context it admits now; the cookie is taken off before the request goes on. Each walkthrough's context gets
a key of its own, revoked when the walkthrough ends. Any port of 127.0.0.1 is reachable from a page (a
WebSocket in a worker goes round every route), so a page of one submission could otherwise send requests to
the app of a classmate walked through at the same time; and a closed page's late requests (its favicon, a
script's fetches still queued at the server) would reach the app during the checks that follow.
"""

from __future__ import annotations

import contextlib
import secrets
import threading
from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from ..data.exchange import Request
from ..transports.transport import MAX_BODY, Transport

HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "content-length", "server", "date"}
KEY_COOKIE = "flask-conformance-key"
REFUSED = b"flask-conformance: this server answers only the walkthrough it was started for\n"
TOO_LARGE = f"flask-conformance: a request body is passed on up to {MAX_BODY} bytes\n".encode()


@dataclass(frozen=True)
class LiveSite:
    """Where a browser reaches the target, and, for a keyed server of ours, the keys it admits now (None: a
    server that is not ours, such as a URL target)."""

    url: str
    keys: set[str] | None = field(default=None, compare=False)

    @contextlib.contextmanager
    def admitted(self, context: Any) -> Iterator[None]:
        """Within the block, the browser context's pages reach the server: the context holds a fresh key, in
        a cookie its pages' scripts cannot read. After it, whatever the context still sends is refused."""
        if self.keys is None:
            yield
            return
        key = secrets.token_urlsafe(24)
        self.keys.add(key)
        try:
            context.add_cookies([{"name": KEY_COOKIE, "value": key, "url": self.url, "httpOnly": True}])
            yield
        finally:
            self.keys.discard(key)


def proxy_app(
    transport: Transport, keys: Collection[str] | None = None
) -> Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]:
    """A WSGI app that forwards every request, byte for byte, to ``transport``; given ``keys``, only the
    requests that present one of them (looked up as each request comes: the collection may change)."""

    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        cookies, presented = _without_key(str(environ.get("HTTP_COOKIE", "")))
        if keys is not None and presented not in keys:
            start_response("403 Forbidden", [("Content-Type", "text/plain; charset=utf-8")])
            return [REFUSED]
        raw = environ.get("REQUEST_URI") or environ.get("RAW_URI") or environ.get("PATH_INFO", "/")
        path, _, query = str(raw).partition("?")
        length = _length(environ)
        if length > MAX_BODY:  # a page's script can post a gigabyte, which the grader would hold to pass on
            start_response("413 Content Too Large", [("Content-Type", "text/plain; charset=utf-8")])
            return [TOO_LARGE]
        body = environ["wsgi.input"].read(length) if length else b""
        headers = tuple(
            (name[5:].replace("_", "-").title(), str(value))
            for name, value in environ.items()
            if name.startswith("HTTP_") and name != "HTTP_COOKIE"
        )
        if cookies:
            headers += (("Cookie", cookies),)
        if environ.get("CONTENT_TYPE"):
            headers += (("Content-Type", str(environ["CONTENT_TYPE"])),)
        response = transport.handle_request(Request(environ["REQUEST_METHOD"], path, query, headers, body))
        if not response.answered:
            start_response("502 Bad Gateway", [("Content-Type", "text/plain; charset=utf-8")])
            return [f"flask-conformance: the app gave no answer: {response.error}\n".encode()]
        start_response(
            f"{response.status} {_reason(response.status)}",
            [(key, value) for key, value in response.headers if key.lower() not in HOP_BY_HOP],
        )
        return [response.body]

    return app


def _length(environ: dict[str, Any]) -> int:
    try:
        return max(0, int(environ.get("CONTENT_LENGTH") or 0))
    except ValueError:
        return 0


def _without_key(header: str) -> tuple[str, str]:
    """A Cookie header without the key's cookie, and the key it presented ("" for none)."""
    kept, presented = [], ""
    for pair in header.split(";"):
        name, _, value = pair.strip().partition("=")
        if name == KEY_COOKIE:
            presented = value
        elif pair.strip():
            kept.append(pair.strip())
    return "; ".join(kept), presented


def _reason(status: int) -> str:
    from http import HTTPStatus

    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Unknown"


class LiveServer:
    """A single-threaded Werkzeug server for one transport, in a background thread; ``keyed``: it answers
    only the browser contexts its ``site`` admits, and logs nothing (a walkthrough's requests are the kit's,
    and Werkzeug's colored access log would land in the student's failure report as "Captured log")."""

    def __init__(self, transport: Transport, port: int = 0, keyed: bool = False) -> None:
        from werkzeug.serving import BaseWSGIServer, make_server

        keys: set[str] | None = set() if keyed else None
        app = proxy_app(transport, keys)
        self.server: BaseWSGIServer = (
            _quiet_server(port, app) if keyed else make_server("127.0.0.1", port, app, threaded=False)
        )
        self.url = f"http://127.0.0.1:{self.server.server_port}/"
        self.site = LiveSite(self.url, keys)
        self._thread: threading.Thread | None = None

    def start(self) -> LiveServer:
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)


def _quiet_server(port: int, app: Callable[..., Iterable[bytes]]) -> Any:
    from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler

    class QuietHandler(WSGIRequestHandler):
        def log(self, type: str, message: str, *args: Any) -> None:
            pass

    class QuietServer(BaseWSGIServer):
        def log(self, type: str, message: str, *args: Any) -> None:
            pass

    return QuietServer("127.0.0.1", port, app, handler=QuietHandler)
