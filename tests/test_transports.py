"""Every transport carries a non-ASCII round trip: the trap httpx's WSGITransport falls into."""

from __future__ import annotations

import socketserver
import threading

import pytest
from flask import Flask

from conftest import IMPLEMENTATIONS
from flask_conformance.data.exchange import Request
from flask_conformance.sandbox.sandbox import SandboxTransport
from flask_conformance.transports.loading import AppSpec, load_app
from flask_conformance.transports.transport import HttpTransport, WsgiTransport
from reference_app.lesson.app import app

CASES = [
    ("/success/Zo%C3%AB", "welcome Zoë"),
    ("/success/%E6%97%A5", "welcome 日"),
    ("/success/a%2Bb%20c", "welcome a+b c"),
]


@pytest.fixture(params=["wsgi", "sandbox", "http"])
def transport(request, serve_wsgi):
    if request.param == "wsgi":
        carrier = WsgiTransport(app)
    elif request.param == "sandbox":
        carrier = SandboxTransport(AppSpec(module="reference_app.lesson.app", attribute="app"))
        carrier.start()
    else:
        carrier = HttpTransport(serve_wsgi(app))
    yield carrier
    carrier.close()


@pytest.mark.parametrize(("path", "text"), CASES)
def test_non_ascii_round_trip(transport, path, text):
    response = transport.handle_request(Request("GET", path))
    assert response.status == 200
    assert response.text == text


def test_redirect_location_is_returned_raw(transport):
    response = transport.handle_request(Request("GET", "/login", "nm=a%20b%2Fc%3Fd%23e%25f"))
    assert response.status == 302
    assert response.header("Location") == "/success/a%20b/c%3Fd%23e%25f"


def test_http_transport_reports_refused_connection():
    response = HttpTransport("http://127.0.0.1:9").handle_request(Request("GET", "/"))
    assert response.status == 0
    assert response.error == "connection refused by 127.0.0.1:9"


def _from_two_threads(transport, path_of) -> list[tuple[str, str]]:
    """Sends 60 requests from each of two threads at once; the (expected, got) pairs that differ."""
    wrong: list[tuple[str, str]] = []

    def send(who: str) -> None:
        for number in range(60):
            name = f"{who}{number}"
            response = transport.handle_request(Request("GET", path_of(name)))
            if response.text != f"welcome {name}":
                wrong.append((name, response.text or response.error))

    threads = [threading.Thread(target=send, args=(who,)) for who in ("browser", "client")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return wrong


def test_requests_from_two_threads_each_get_their_own_answer(transport):
    """The browser's requests come through the live server's thread while the client's checks go on: a late
    favicon request once took the answer meant for a POST check, and every answer after it went one check
    late."""
    assert _from_two_threads(transport, lambda name: f"/success/{name}") == []


def test_an_exception_is_told_to_the_request_that_raised_it():
    boom = Flask(__name__)

    @boom.route("/success/<name>")
    def success(name):
        if name.startswith("browser"):
            raise ValueError(name)
        return f"welcome {name}"

    transport = WsgiTransport(boom)
    seen: list[str] = []
    threads = []
    for who in ("browser", "client"):

        def send(who: str = who) -> None:
            for number in range(200):
                response = transport.handle_request(Request("GET", f"/success/{who}{number}"))
                told = (response.raised.kind, response.raised.message) if response.raised else None
                if told != (("ValueError", f"{who}{number}") if who == "browser" else None):
                    seen.append(f"{who}{number}: {response.status} {told!r}")

        threads.append(threading.Thread(target=send))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    transport.close()
    assert seen == []


def _no_status(line: str) -> str:
    return (
        f"the app answered with the status line {line!r}, which is no HTTP status: a status is a number from 100 to 599"
    )


@pytest.mark.parametrize("kind", ["wsgi", "sandbox"])
@pytest.mark.parametrize(
    ("implementation", "line"),
    [("mistakes/comma_for_percent.py", "0 alice"), ("hostile/status_out_of_range.py", "1000 UNKNOWN")],
)
def test_a_status_that_is_no_number_is_told_as_such(kind, implementation, line):
    """``return 'welcome %s', name``: Werkzeug makes the name the status line '0 alice'. It was told as "no answer
    ()", and a status of 1000 as a frame of the wrong shape, which cost the sandbox a restart."""
    spec = AppSpec(path=IMPLEMENTATIONS / implementation)
    if kind == "wsgi":
        carrier = WsgiTransport(load_app(spec)[0])
    else:
        carrier = SandboxTransport(spec)
        carrier.start()
    try:
        response = carrier.handle_request(Request("GET", "/success/alice"))
        assert (response.status, response.error) == (0, _no_status(line))
        assert carrier.handle_request(Request("GET", "/login", "nm=bob")).status == 302  # the app goes on
        if isinstance(carrier, SandboxTransport):
            assert carrier.crashes == 0
    finally:
        carrier.close()


def _raw_server(status_line: bytes) -> tuple[str, socketserver.TCPServer]:
    """A server that answers every request with ``status_line`` and an empty body, as no WSGI server would."""

    class Answer(socketserver.StreamRequestHandler):
        def handle(self) -> None:
            while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                pass
            self.wfile.write(status_line + b"\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")

    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Answer)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_address[1]}", server


@pytest.mark.parametrize("method", ["GET", "HEAD"])
@pytest.mark.parametrize(
    ("line", "told"),
    [("HTTP/1.1 0 alice", "0 alice"), ("HTTP/1.1 1000 UNKNOWN", "1000 UNKNOWN"), ("HTTP/1.1 700 X", "700 X")],
)
def test_a_live_server_whose_status_is_no_number_is_told_as_such(method, line, told):
    url, server = _raw_server(line.encode())
    try:
        response = HttpTransport(url).handle_request(Request(method, "/success/alice"))
    finally:
        server.shutdown()
        server.server_close()
    assert (response.status, response.error) == (0, _no_status(told))
