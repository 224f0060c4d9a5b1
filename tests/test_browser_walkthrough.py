"""The lesson's walkthrough in Chromium fails wrong pages for the right reason, with a screenshot."""

from __future__ import annotations

import contextlib
import http.client
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import IMPLEMENTATIONS, ROOT, chromium_page, run_spec
from flask_conformance.commands.cli import main

pytestmark = pytest.mark.browser
WRONG = IMPLEMENTATIONS / "wrong"
PNG = b"\x89PNG\r\n\x1a\n"


def browser_messages(run):
    return [line for line in run.output.splitlines() if line.startswith(("BROWSER-", "ROBUST-BROWSER-"))]


def test_robust_reference_passes_the_walkthrough(pytester):
    run = run_spec(pytester, "--target", str(ROOT / "reference_app" / "robust"), "--conformance-profile", "robust")
    assert run.ret == 0, run.output
    walked = {node for node in run.passed if node.startswith("test_browser.py::")}
    assert len(walked) == 6


def tutorial_run(pytester, target):
    """The run test_spec_catches_mistakes.py makes of the same implementation: shared, not made twice."""
    return run_spec(pytester, "--target", str(target), "--in-process", "--conformance-profile", "tutorial")


def test_wrong_action_fails_for_that_reason(pytester):
    run = tutorial_run(pytester, WRONG / "form_wrong_action")
    messages = browser_messages(run)
    assert len(messages) == 4
    assert all("the browser ended at /signin showing 'Not Found" in message for message in messages)
    assert "werkzeug" not in run.output  # seen failing: the live server's colored access log, as "Captured log"
    screenshots = sorted(Path(run.folder).glob("browser-*.png"))  # beside the run's results.json
    assert len(screenshots) == 4
    for screenshot in screenshots:
        assert screenshot.read_bytes()[:8] == PNG and screenshot.stat().st_size > 5_000
        assert f"screenshot: {screenshot.name}" in run.output


def test_wrong_field_name_fails_for_that_reason(pytester):
    run = tutorial_run(pytester, WRONG / "form_wrong_field")
    messages = browser_messages(run)
    assert len(messages) == 4
    assert all("--data-binary name=" in message or "/login?name=" in message for message in messages)
    assert all("the browser ended at /login" in message for message in messages)


def test_lesson_page_sends_latin_1(pytester):
    run = run_spec(pytester, "--target", str(ROOT / "reference_app" / "lesson"), "--conformance-profile", "robust")
    messages = [message for message in browser_messages(run) if message.startswith("ROBUST-BROWSER-UTF8")]
    assert len(messages) == 2
    assert all("nm=Zo%EB" in message for message in messages)


def test_a_single_file_targets_browser_checks_skip_without_starting_chromium(pytester):
    """No page, no walk: the checks skip for the page, and Chromium (here one that cannot start, which would
    make them grader errors) and the live server are never asked for."""
    broken = pytester.path / "chromium-that-cannot-start"
    broken.write_text("#!/bin/sh\nexit 1\n")
    broken.chmod(0o755)
    result = pytester.runpytest_inprocess(
        str(ROOT / "spec_tests" / "test_browser.py"),
        "-p",
        "no:cacheprovider",
        "-rs",
        "--chromium",
        str(broken),
        "--target",
        str(WRONG / "status_301.py"),
    )
    assert result.parseoutcomes() == {"skipped": 4, "deselected": 2}, result.outlines  # robust's two: deselected
    skips = [line for line in result.outlines if line.startswith("SKIPPED")]
    assert skips and all("single" in line and "Chromium" not in line for line in skips), skips


def test_batch_feedback_links_the_screenshot(tmp_path):
    folder = tmp_path / "class"
    folder.mkdir()
    shutil.copytree(WRONG / "form_wrong_field", folder / "fay")
    shutil.copytree(ROOT / "reference_app" / "lesson", folder / "leo")
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["grade", str(folder), "--out", str(out), "--browser"])
    assert result.exit_code == 0, result.output
    feedback = (out / "fay" / "feedback.md").read_text()
    links = [line for line in feedback.splitlines() if line.startswith("What the browser saw: ![")]
    assert len(links) == 4
    for line in links:
        name = line.split("](")[1].rstrip(")")
        assert (out / "fay" / name).read_bytes()[:8] == PNG
    assert not list((out / "leo").glob("*.png"))


def test_serve_command_serves_a_sandboxed_target():
    command = [
        sys.executable,
        "-m",
        "flask_conformance",
        "serve",
        str(ROOT / "reference_app" / "lesson"),
        "--port",
        "0",
    ]
    server = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, cwd=ROOT)
    try:
        line = server.stdout.readline()
        assert line.startswith("Serving app.py:app at http://127.0.0.1:")
        port = int(line.split("127.0.0.1:")[1].split("/")[0])
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        connection.request("GET", "/login?nm=Zo%C3%AB")
        answer = connection.getresponse()
        assert (answer.status, answer.getheader("Location")) == (302, "/success/Zo%C3%AB")
        connection.close()
    finally:
        server.terminate()
        server.wait(timeout=10)
        server.stdout.close()


def test_a_page_reaches_only_the_server_under_test(serve_wsgi):
    """A script in a hostile login.html cannot reach another server on the machine (a classmate's).
    Chromium already refuses a page's requests into the loopback space; a top-level navigation it allows,
    and the kit blocks."""
    from flask_conformance.reading.browser import confine_to, walkthrough
    from reference_app.lesson.app import app

    hits = []

    def classmate(environ, start_response):
        hits.append(environ["PATH_INFO"])
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"secret"]

    target = serve_wsgi(app) + "/"
    other = serve_wsgi(classmate)
    page_html = (
        "<script>location.href = '" + other + "/steal';</script>"
        "<form action='http://localhost:5000/login' method='post'><input type='text' name='nm'>"
        "<input type='submit'></form>"
    )
    with chromium_page() as page:
        confine_to(page.context, target)
        walkthrough(page, page_html.encode(), target, "alice")
    assert hits == []


FORM = (
    "<form action='http://localhost:5000/login' method='post'><input type='text' name='nm'><input type='submit'></form>"
)


@pytest.mark.parametrize(
    ("script", "problem"),
    [
        (
            "while (true) {}",
            "the browser waited in vain while opening login.html (does a script on the page run forever, or "
            "stop the form from being sent?)",
        ),
        (
            "addEventListener('submit', event => event.preventDefault(), true)",
            "the browser waited in vain while clicking submit (does a script on the page run forever, or stop "
            "the form from being sent?)",
        ),
    ],
    ids=["script-never-ends", "script-stops-the-form"],
)
def test_a_page_the_browser_cannot_finish_is_the_students_problem_not_a_traceback(serve_wsgi, script, problem):
    """Seen failing before: Playwright's TimeoutError came out of the check as a traceback of the kit."""
    from flask_conformance.reading.browser import walkthrough
    from reference_app.lesson.app import app

    target = serve_wsgi(app) + "/"
    with chromium_page() as page:
        page.context.set_default_timeout(1500)
        walk = walkthrough(page, f"<script>{script}</script>{FORM}".encode(), target, "alice")
    assert walk.problem == problem


HOARD_PROBE = """
import sys
from unittest import mock

from flask_conformance.reading.browser import find_chromium, running_chromium
from flask_conformance.sandbox import cgroups, confined_browser

HOARD = (
    "window.hoard = [];"
    "try { for (let i = 0; i < 16; i++) window.hoard.push(new Uint8Array(256 << 20).fill(1)); } catch (e) {}"
)
with mock.patch.object(cgroups, "create", return_value=None) if sys.argv[1] == "no-cgroup" else mock.MagicMock():
    executable = find_chromium()
    with confined_browser.confined_launcher(executable) as launcher, running_chromium(executable, launcher) as browser:
        context = browser.new_context()
        page = context.new_page()
        page.set_content("<script>" + HOARD + "</script>")
        held = page.evaluate("window.hoard.length")
        after = context.new_page()
        after.set_content("<p>the next page")
        print(held, after.inner_text("p"))
"""


@pytest.mark.parametrize("machine", ["cgroup", "no-cgroup"])
def test_a_page_that_takes_gigabytes_gets_a_bounded_share_and_the_browser_goes_on(machine):
    """A script of login.html holding 4 GB in typed arrays (outside V8's heap limit) gets at most
    ``PROCESS_MEMORY``: its allocation fails in its own renderer, and the browser goes on. Seen failing
    without the data limit: with the cgroup, the renderer was killed (the check's page crashed); without a
    cgroup (not root, or a container without writable ones), the page held all 16 of its 256 MiB."""
    from flask_conformance.sandbox import cgroups
    from flask_conformance.sandbox.confined_browser import PROCESS_MEMORY

    if machine == "cgroup" and (os.getuid() != 0 or cgroups.available() is None):
        reason = "the browser's cgroup needs root and writable cgroups"
        if os.environ.get("FLASK_CONFORMANCE_REQUIRE_ISOLATION") == "1":
            pytest.fail(reason)
        pytest.skip(reason)
    with chromium_page():  # skips, or fails where the browser is required, without Chromium
        pass
    probe = subprocess.run(
        [sys.executable, "-c", HOARD_PROBE, machine], capture_output=True, text=True, timeout=120, cwd=ROOT
    )
    assert probe.returncode == 0, probe.stderr[-2000:]  # a renderer the cgroup killed: the probe's page crashed
    held, _, shown = probe.stdout.strip().partition(" ")
    assert 0 < int(held) <= PROCESS_MEMORY // (256 << 20), probe.stderr[-2000:]
    assert shown == "the next page"


def test_a_page_that_crashes_is_told_as_such(serve_wsgi):
    """A renderer killed under the walk (by the browser's cgroup, past its memory; here through DevTools) ends
    the walk with the step it was at and the likely cause, never a Playwright traceback."""
    from flask_conformance.reading.browser import walkthrough
    from reference_app.lesson.app import app

    target = serve_wsgi(app) + "/"
    with chromium_page() as page:
        page.on("load", lambda loaded: page.context.new_cdp_session(loaded).send("Page.crash"))
        walk = walkthrough(page, FORM.encode(), target, "alice")
    assert walk.problem.startswith("the page crashed in the browser while ")  # at whichever step it was
    assert walk.problem.endswith(" (do its scripts take a lot of memory?)")


CHANNELS = {
    "websocket": "new WebSocket('ws://{other}/websocket')",
    "worker-websocket": "new Worker(URL.createObjectURL(new Blob([\"new WebSocket('ws://{other}/worker')\"])))",
    "shared-worker-websocket": (
        "new SharedWorker(URL.createObjectURL(new Blob([\"new WebSocket('ws://{other}/shared-worker')\"])))"
    ),
    "fetch": "fetch('http://{other}/fetch', {{mode: 'no-cors'}})",
    "image": "(new Image()).src = 'http://{other}/image'",
    "frame": "document.body.insertAdjacentHTML('beforeend', `<iframe src='http://{other}/frame'></iframe>`)",
    "service-worker": "navigator.serviceWorker.register('/sw.js')",
    # the app itself sends the browser on: Playwright's routes never see a redirect
    "redirect": "document.body.insertAdjacentHTML('beforeend', `<iframe src='/away?to=http://{other}/redirect'></iframe>`)",
}


def test_a_welcome_page_reaches_no_classmates_app_and_no_other_server(serve_wsgi):
    """Scripts on the welcome page a hostile app serves, run by the walkthrough's browser, send nothing to
    the app of a classmate walked through at the same time (its live server, another port of 127.0.0.1)
    nor to any other server of the machine, by any of ``CHANNELS`` (each names its path). Seen failing: a
    WebSocket from a worker, which no Playwright route sees, reached both before the live server took a key
    and the context its refusing proxy; with the key alone, it still reached the other server."""
    from flask import Flask, redirect, request, url_for

    from flask_conformance.reading.browser import confined_context, walkthrough
    from flask_conformance.targets.live_server import LiveServer
    from flask_conformance.transports.transport import WsgiTransport

    hits = []

    def classmate(environ, start_response):  # any request that reaches the app at all, routed or not
        hits.append(environ["PATH_INFO"])
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"hit"]

    other_server = LiveServer(WsgiTransport(classmate), keyed=True).start()
    others = [other_server.url.split("//")[1].rstrip("/"), serve_wsgi(classmate).split("//")[1]]
    hostile = Flask("hostile")
    script = "; ".join(
        "try { " + channel.format(other=other) + " } catch (e) {}" for channel in CHANNELS.values() for other in others
    )

    @hostile.route("/success/<name>")
    def success(name):
        return f"<body>welcome {name}<script>{script}</script></body>"

    @hostile.route("/login", methods=["GET", "POST"])
    def login():
        return redirect(url_for("success", name=request.values["nm"]))

    @hostile.route("/away")
    def away():
        return redirect(request.args["to"])

    @hostile.route("/sw.js")
    def service_worker():
        body = f"self.addEventListener('install', e => e.waitUntil(fetch('http://{others[1]}/service-worker')))"
        return body, 200, {"Content-Type": "text/javascript"}

    server = LiveServer(WsgiTransport(hostile), keyed=True).start()
    try:
        with chromium_page() as page:
            browser = page.context.browser
            context = confined_context(browser, server.url)
            with server.site.admitted(context):
                walk = walkthrough(context.new_page(), FORM.encode(), server.url, "alice")
                time.sleep(0.5)  # what a script does after the page loaded, while the check judges it
            context.close()
    finally:
        server.stop()
        other_server.stop()
    assert walk.url == server.url + "success/alice"  # the walk itself, with its own key, went through
    assert hits == []


def test_a_walkthroughs_key_opens_the_live_server_only_while_the_walkthrough_lasts():
    """Seen failing with one key for the whole run: a closed page's late requests (a favicon, fetches still
    queued at the single-threaded server) reached the app while the checks after the walkthrough ran."""
    from flask_conformance.targets.live_server import KEY_COOKIE, LiveServer
    from flask_conformance.transports.transport import WsgiTransport

    hits = []

    def app(environ, start_response):
        hits.append(environ["PATH_INFO"])
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"hit"]

    class Context:  # what admitted() asks of a Playwright browser context
        def add_cookies(self, cookies):
            self.cookies = cookies

    def status(path: str, key: object) -> int:
        connection = http.client.HTTPConnection("127.0.0.1", server.server.server_port, timeout=5)
        connection.request("GET", path, headers={"Cookie": f"{KEY_COOKIE}={key}"})
        answer = connection.getresponse().status
        connection.close()
        return answer

    server = LiveServer(WsgiTransport(app), keyed=True).start()
    context, later = Context(), Context()
    try:
        with server.site.admitted(context), server.site.admitted(later):
            key = context.cookies[0]["value"]
            during = status("/during", key)
        after = status("/after", key)
        guessed = status("/guessed", "")
    finally:
        server.stop()
    assert context.cookies[0]["httpOnly"] is True
    assert key != later.cookies[0]["value"]
    assert (during, after, guessed) == (200, 403, 403)
    assert hits == ["/during"]


def test_a_page_sends_no_datagram_through_webrtc():
    """Seen failing before NO_WEBRTC: a page's RTCPeerConnection sent 8 STUN datagrams to a UDP port of
    127.0.0.1, round the context's proxy; a frame or a window the page opens has no constructor either."""
    import socket

    from flask_conformance.reading.browser import confined_context

    listener = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    listener.bind(("127.0.0.1", 0))
    listener.settimeout(0.2)
    script = """async port => {
        const frame = document.body.appendChild(document.createElement('iframe'));
        const opened = window.open('');
        const found = [window, frame.contentWindow, opened].map(w => w && w.RTCPeerConnection).filter(x => x);
        for (const Connection of found) {
            const connection = new Connection({iceServers: [{urls: 'stun:127.0.0.1:' + port}]});
            connection.createDataChannel('x');
            await connection.setLocalDescription(await connection.createOffer());
        }
        await new Promise(done => setTimeout(done, 1500));
        return found.length;
    }"""
    with chromium_page() as page:
        context = confined_context(page.context.browser, "http://127.0.0.1:9/")
        hostile = context.new_page()
        hostile.set_content("<p>a page")
        constructors = hostile.evaluate(script, listener.getsockname()[1])
        context.close()
    datagrams = 0
    with contextlib.suppress(TimeoutError):
        while listener.recv(2000):
            datagrams += 1
    listener.close()
    assert (constructors, datagrams) == (0, 0)


def test_a_page_cannot_write_downloads_to_the_graders_disk():
    """Seen failing with Playwright's default: a page's script saved a 5 MB blob under /tmp."""
    from flask_conformance.reading.browser import confined_context

    with chromium_page() as page:
        context = confined_context(page.context.browser, "http://127.0.0.1:9/")
        hostile = context.new_page()
        hostile.set_content("<a id=a download='x.bin'>x</a>")
        with hostile.expect_download(timeout=5000) as download:
            script = "a => { a.href = URL.createObjectURL(new Blob([new Uint8Array(5e6)])); a.click(); }"
            hostile.eval_on_selector("#a", script)
        failure = download.value.failure()
        context.close()
    assert failure is not None and "accept_downloads" in failure


def test_a_screenshot_is_the_top_of_the_page_however_tall(tmp_path):
    """Seen failing with full-page screenshots, 30,000 pixels tall (a canvas of noise that tall made a 109 MB
    PNG for every failed browser check, on the grader's disk)."""
    import struct

    from flask_conformance.targets.browser_check import SCREENSHOT_CLIP, BrowserCheck
    from flask_conformance.targets.client import Client
    from flask_conformance.transports.transport import WsgiTransport
    from reference_app.lesson.app import app

    tall = "<div style='height: 30000px; background: repeating-linear-gradient(red 0 3px, blue 3px 7px)'></div>"
    with chromium_page() as page:
        page.set_content(tall)
        check = BrowserCheck(Client(WsgiTransport(app), "BROWSER-POST"), page, b"", "http://x/", tmp_path, "tall")
        shot = check.screenshot()
    assert shot is not None
    width, height = struct.unpack(">II", shot.read_bytes()[16:24])  # the PNG's IHDR
    assert (width, height) == (SCREENSHOT_CLIP["width"], SCREENSHOT_CLIP["height"])
    assert shot.stat().st_size < 12 << 20


@pytest.mark.parametrize("how", ["history", "script_redirect"])
def test_a_script_that_fakes_the_walk_scores_as_the_wrong_form_it_hides(pytester, how):
    """login.html's form posts to the wrong place, and a script on the page fakes the walk: it writes the
    welcome and the success URL into the page (history), or sends the browser to the welcome page itself
    (script_redirect), so the app's /login is never asked. Seen failing: both passed every browser check."""
    honest = tutorial_run(pytester, WRONG / "form_wrong_action")
    hostile = IMPLEMENTATIONS / "hostile" / f"fakes_the_walk_{how}"
    run = run_spec(
        pytester, "--target", str(hostile), "--in-process", "--conformance-profile", "tutorial", "-k", "browser"
    )
    assert run.failed == {node for node in honest.failed if node.startswith("test_browser.py::")}
    messages = browser_messages(run)
    assert len(messages) == 4
    assert all("never sent the form to /login" in message for message in messages), messages


# Type attributes as learners write them: absent, in capitals, with spaces, misspelt, empty, HTML's others.
TYPES = [None, "text", "TEXT", " text ", "name", "", "search", "Email", "hidden", "submit ", "Submit", "number"]


def test_the_kit_and_the_browser_agree_on_what_is_a_text_field_and_a_submit_button(tmp_path):
    """A text field with type="name" is a text field to Chromium (an unknown type is HTML's default), which a
    person can type into: the static checks and the walkthrough both took it for no field at all."""
    from flask_conformance.reading.browser import SUBMIT, TEXT_FIELD
    from flask_conformance.reading.form_page import parse_form_page

    def attribute(kind: str | None) -> str:
        return "" if kind is None else f' type="{kind}"'

    inputs = "".join(f'<input name="i{number}"{attribute(kind)}>' for number, kind in enumerate(TYPES))
    buttons = "".join(f'<button name="b{number}"{attribute(kind)}>b</button>' for number, kind in enumerate(TYPES))
    markup = f"<form>{inputs}{buttons}</form>"
    page_file = tmp_path / "login.html"
    page_file.write_text(markup)
    controls = parse_form_page(page_file).forms[0].controls
    with chromium_page() as page:
        page.set_content(markup)
        types = page.eval_on_selector_all("input, button", "elements => elements.map(element => element.type)")
        typed_into = page.eval_on_selector_all(TEXT_FIELD, "elements => elements.map(element => element.name)")
        clicked = page.eval_on_selector_all(SUBMIT, "elements => elements.map(element => element.name)")
    assert [control.type for control in controls] == types
    assert typed_into == [
        control.name for control in controls if control.tag == "input" and control.type in ("text", "search")
    ]
    assert clicked == [control.name for control in controls if control.type in ("submit", "image")]
