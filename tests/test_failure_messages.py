"""A failure tells the student the request (as curl), what the lesson expects, what came back, and the ID."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from conftest import IMPLEMENTATIONS, run_spec
from flask_conformance.data.curl import curl_line


def test_hypothesis_failure_reports_the_smallest_name_as_curl(pytester):
    run = run_spec(pytester, "--target", str(IMPLEMENTATIONS / "wrong" / "fstring_location.py"))
    message = run.output.split("_ test_names_by_post _")[1].split("\n_")[0]
    assert "NAMES-POST:" in message
    assert "\n    curl -i --data-binary nm=a%3Fb http://localhost:5000/login\n" in message  # the form's POST, plainly
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


def test_a_server_error_is_shown_with_the_shortest_request_that_causes_it(pytester):
    """The hard request that first broke it carried a body too; the body has no bearing, so it goes."""
    target = IMPLEMENTATIONS / "robust_wrong" / "crashes_on_bad_query.py"
    run = run_spec(pytester, "--target", str(target), "--in-process", "--conformance-profile", "robust")
    message = run.output.split("_ test_no_server_errors _")[1].split("\n_")[0]
    assert "\n    curl -i -X POST 'http://localhost:5000/login?nm=%FF'\n" in message
    assert "smallest failing example" not in message


# Wrong implementations whose failures show a curl line, with the profile they fail: names by POST and GET,
# a HEAD, a POST with form and query, a request shortened to its query, and a GET with no name.
REPRODUCED = [
    ("wrong/fstring_location.py", "tutorial"),
    ("wrong/head_with_body.py", "tutorial"),
    ("wrong/values_instead_of_form.py", "tutorial"),
    ("robust_wrong/crashes_on_bad_query.py", "robust"),
    ("robust_wrong/missing_name_500.py", "robust"),
]
IT_GOT = re.compile(r"It got: (\d{3})\b")


@pytest.fixture
def flask_run(tmp_path):
    """``flask --app app run`` in a folder holding one implementation as app.py, on a port the OS picks."""
    servers: list[tuple[subprocess.Popen[str], threading.Thread]] = []

    def start(implementation: Path) -> str:
        folder = tmp_path / implementation.stem
        folder.mkdir()
        shutil.copy(implementation, folder / "app.py")
        server = subprocess.Popen(
            [sys.executable, "-m", "flask", "--app", "app", "run", "--port", "0"],
            cwd=folder,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        assert server.stdout is not None
        reader = threading.Thread(target=server.stdout.read, daemon=True)  # keeps its log from blocking it
        servers.append((server, reader))
        for line in server.stdout:
            if match := re.search(r"Running on (http://127\.0\.0\.1:\d+)", line):
                reader.start()
                return match[1]
        raise AssertionError("flask run did not start")

    yield start
    for server, reader in servers:
        server.terminate()
        server.wait(timeout=10)
        if reader.is_alive():
            reader.join(timeout=10)
        assert server.stdout is not None
        server.stdout.close()


@pytest.mark.parametrize(("implementation", "profile"), REPRODUCED)
def test_every_curl_line_runs_as_written_against_flask_run(pytester, flask_run, implementation, profile):
    """A student pastes the curl line into a terminal beside ``flask --app app run``: the same answer comes back
    (the port is the one change, as the OS picked it here)."""
    target = IMPLEMENTATIONS / implementation
    run = run_spec(pytester, "--target", str(target), "--in-process", "--conformance-profile", profile)
    shown = [
        (status, line.strip())
        for block in run.output.split("short test summary info")[0].split("\n_")  # under CI, the summary repeats
        if len(statuses := IT_GOT.findall(block)) == 1
        for status in statuses
        for line in block.splitlines()
        if line.startswith("    curl -i ")
    ]
    assert shown, run.output
    url = flask_run(target)
    for status, line in shown:
        command = line.replace("http://localhost:5000", url) + " -s -o /dev/null -w '%{http_code}'"
        answered = subprocess.run(["bash", "-c", command], capture_output=True, text=True, timeout=30).stdout
        assert answered == status, f"{line} answered {answered}, the failure says {status}"
