"""Serving any target on a real WSGI server on 127.0.0.1, through its transport.

The server is a thin proxy: each request becomes a ``Request`` for the
target's transport, so a sandboxed submission stays sandboxed while a browser
or ``curl`` talks to it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from typing import Any

from ..data.exchange import Request
from ..transports.transport import Transport

HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "content-length", "server", "date"}


def proxy_app(transport: Transport) -> Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]:
    """A WSGI app that forwards every request, byte for byte, to ``transport``."""
    lock = threading.Lock()

    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        raw = environ.get("REQUEST_URI") or environ.get("RAW_URI") or environ.get("PATH_INFO", "/")
        path, _, query = str(raw).partition("?")
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length) if length else b""
        headers = tuple(
            (key[5:].replace("_", "-").title(), str(value)) for key, value in environ.items() if key.startswith("HTTP_")
        )
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


def _reason(status: int) -> str:
    from http import HTTPStatus

    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Unknown"


class LiveServer:
    """A single-threaded Werkzeug server for one transport, in a background thread."""

    def __init__(self, transport: Transport, port: int = 0) -> None:
        from werkzeug.serving import make_server

        self.server = make_server("127.0.0.1", port, proxy_app(transport), threaded=False)
        self.url = f"http://127.0.0.1:{self.server.server_port}/"
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
