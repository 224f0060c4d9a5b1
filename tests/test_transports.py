"""Every transport carries a non-ASCII round trip: the trap httpx's WSGITransport falls into."""

from __future__ import annotations

import threading

import pytest
from flask import Flask

from flask_conformance.data.exchange import Request
from flask_conformance.sandbox.sandbox import SandboxTransport
from flask_conformance.transports.loading import AppSpec
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
