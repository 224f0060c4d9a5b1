"""Every transport carries a non-ASCII round trip: the trap httpx's WSGITransport falls into."""

from __future__ import annotations

import pytest

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
