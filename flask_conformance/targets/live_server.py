"""Serving any target on a real WSGI server on 127.0.0.1, through its transport.

The server is a thin proxy: each request becomes a ``Request`` for the
target's transport, so a sandboxed submission stays sandboxed while a browser
or ``curl`` talks to it.

Given a key, it answers only requests that carry it in the ``KEY_COOKIE`` cookie, which the walkthrough's
browser context is given; the cookie is taken off before the request goes on. Any port of 127.0.0.1 is
reachable from a page (a WebSocket in a worker goes round every route), so a page of one submission could
otherwise send requests to the app of a classmate walked through at the same time.
"""

from __future__ import annotations

import hmac
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from ..data.exchange import Request
from ..transports.transport import Transport

HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "content-length", "server", "date"}
KEY_COOKIE = "flask-conformance-key"
REFUSED = b"flask-conformance: this server answers only the walkthrough it was started for\n"


@dataclass(frozen=True)
class LiveSite:
    """Where a browser reaches the target, and the key it must present there (None: not a server of ours)."""

    url: str
    key: str | None = None

    def admit(self, context: Any) -> None:
        """Give a browser context the key (a cookie its pages' scripts cannot read), if there is one."""
        if self.key is not None:
            context.add_cookies([{"name": KEY_COOKIE, "value": self.key, "url": self.url, "httpOnly": True}])


def proxy_app(
    transport: Transport, key: str | None = None
) -> Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]:
    """A WSGI app that forwards every request, byte for byte, to ``transport``; given a ``key``, only the
    requests that present it."""
    lock = threading.Lock()

    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        cookies, presented = _without_key(str(environ.get("HTTP_COOKIE", "")))
        if key is not None and not hmac.compare_digest(presented.encode(), key.encode()):
            start_response("403 Forbidden", [("Content-Type", "text/plain; charset=utf-8")])
            return [REFUSED]
        raw = environ.get("REQUEST_URI") or environ.get("RAW_URI") or environ.get("PATH_INFO", "/")
        path, _, query = str(raw).partition("?")
        length = int(environ.get("CONTENT_LENGTH") or 0)
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
        with lock:
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
    """A single-threaded Werkzeug server for one transport, in a background thread."""

    def __init__(self, transport: Transport, port: int = 0, key: str | None = None) -> None:
        from werkzeug.serving import make_server

        self.server = make_server("127.0.0.1", port, proxy_app(transport, key), threaded=False)
        self.url = f"http://127.0.0.1:{self.server.server_port}/"
        self.site = LiveSite(self.url, key)
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
