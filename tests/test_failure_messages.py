"""A failure tells the student the request (as curl), what the lesson expects, what came back, and the ID."""

from __future__ import annotations

import subprocess

from conftest import IMPLEMENTATIONS, run_spec
from flask_conformance.data.curl import curl_line


def test_hypothesis_failure_reports_the_smallest_name_as_curl(pytester):
    run = run_spec(pytester, "--target", str(IMPLEMENTATIONS / "wrong" / "fstring_location.py"))
    message = run.output.split("_ test_names_by_post _")[1].split("\n_")[0]
    assert "NAMES-POST:" in message
    assert "curl -i -X POST -H 'Content-Type: application/x-www-form-urlencoded'" in message
    assert "should redirect to /success/<name>" in message
    assert "It got: 302, Location: /success/" in message
    assert "(smallest failing example found: 'a?b')" in message  # the first hard case, no parameter name
    assert "nm='a?b' (it has `?`) should redirect" in message
    assert "Traceback" not in run.output
    assert "flask_conformance/" not in run.output


def test_curl_line_reproduces_the_request(pytester, serve_wsgi):
    """The printed curl line, pasted into a shell, sends the same request and gets the same answer."""
    from flask_conformance.targets.client import Client
    from flask_conformance.transports.transport import HttpTransport
    from reference_app.lesson.app import app

    url = serve_wsgi(app)
    client = Client(HttpTransport(url), "TEST")
    exchange = client.send("POST", "/login", query={"nm": "a b"}, form={"nm": "Zoë & co?"})
    answer = subprocess.run(
        ["bash", "-c", curl_line(exchange) + " -s -o /dev/null -w '%{redirect_url}'"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert answer.endswith(exchange.response.header("Location"))
    assert exchange.response.header("Location") == "/success/Zo%C3%AB%20&%20co%3F"


def test_an_app_that_fails_every_name_is_shown_failing_for_a_plain_one(pytester):
    run = run_spec(pytester, "--target", str(IMPLEMENTATIONS / "wrong" / "welcome_with_counter.py"))
    message = run.output.split("_ test_names_by_post _")[1].split("\n_")[0]
    assert "should answer 200 and show the name 'alice'. It got: 200, body 'welcome alice" in message
    assert "(smallest failing example found: 'alice')" in message
    assert "batch" not in run.output


def test_a_missing_redirect_is_said_in_words(pytester):
    run = run_spec(pytester, "--target", str(IMPLEMENTATIONS / "wrong" / "no_redirect.py"))
    message = run.output.split("_ test_names_by_get _")[1].split("\n_")[0]
    assert "GET /login with nm='alice' should redirect to /success/<name>" in message
    assert "; it is not redirected. It got: 200, body 'welcome alice'." in message
    assert "None" not in message
