"""The lesson's walkthrough in headless Chromium: open login.html, type a name, submit.

Chromium is Debian's (``/usr/bin/chromium``) or a path given by
``--chromium`` / ``FLASK_CONFORMANCE_CHROMIUM``; nothing is downloaded.
Playwright drives it, and is imported only when a browser check runs.
"""

from __future__ import annotations

import functools
import json
import os
import re
import shutil
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from ..data.exercise import current
from .form_page import INPUT_TYPES, URL_FOR_LOGIN

CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


# An input is a text or search field unless its type is another that HTML knows (FormPage's Control.type).
_NOT_TEXT = "".join(f":not([type={kind} i])" for kind in sorted(INPUT_TYPES - {"text", "search"}))


def text_fields(name: str | None = None) -> str:
    """What a person can type a name into (a disabled field is not), named ``name`` only if given."""
    named = f"[name={json.dumps(name)}]" if name is not None else ""
    return f"input{named}{_NOT_TEXT}:enabled"


# What a person can type into and click: a disabled control is neither.
TEXT_FIELD = text_fields()
SUBMIT = (
    "input[type=submit i]:enabled, input[type=image i]:enabled, button:not([type=reset i]):not([type=button i]):enabled"
)


def find_chromium(configured: str | None = None) -> str | None:
    """The option or ``FLASK_CONFORMANCE_CHROMIUM``, else ``/usr/bin/chromium``, else ``chromium`` on PATH."""
    for candidate in (
        configured,
        os.environ.get("FLASK_CONFORMANCE_CHROMIUM"),
        "/usr/bin/chromium",
        shutil.which("chromium"),
    ):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    return None


def launch(playwright: Any, executable: str) -> Any:
    return playwright.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS)


@contextmanager
def running_chromium(executable: str, launcher: str | None = None) -> Iterator[Any]:
    """Playwright started and Chromium ``executable`` launched (through ``launcher``, a program that runs
    it confined, where there is one), both stopped on leaving."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = launch(playwright, launcher or executable)
        try:
            yield browser
        finally:
            browser.close()


@dataclass(frozen=True)
class Walk:
    """Where the browser ended, what it showed, the form submission it sent (method, URL, body), and the
    URLs it requested, redirect by redirect, to load the page the submission led to (none: no page was
    loaded, a script changed the address itself)."""

    url: str
    markup: str
    text: str
    problem: str = ""
    submitted: tuple[str, str, bytes, str] | None = None
    loaded: tuple[str, ...] = ()


REPOINT_ACTION = """(form, [origin, prefix]) => {
    const action = form.getAttribute('action');
    if (action === null || !(/^https?:/i.test(action.trim()) || action.trim().startsWith('/'))) return;
    const url = new URL(action.trim(), 'http://localhost:5000/login.html');
    form.setAttribute('action', origin + prefix + url.pathname + url.search);
}"""
_JINJA_URL_FOR_LOGIN = re.compile(URL_FOR_LOGIN.encode())


def confined_context(browser: Any, live_url: str) -> Any:
    """A fresh context (no cookie, cache or storage of another check) whose pages reach only the server
    under test (``confine_to``), with service workers never registered (their requests could go round it)
    and downloads refused (Playwright would write each to the grader's disk).

    Underneath the routes, the context's network goes through a proxy that refuses every connection, but
    for the server under test: a worker's WebSocket, which no route sees, reaches nothing else either.
    ``<-loopback>`` takes away Chromium's own exception for 127.0.0.1. WebRTC, whose STUN and TURN
    datagrams go round the proxy (and round Chromium's ``--force-webrtc-ip-handling-policy``), is taken
    out of every frame and window of the context before its scripts run (``NO_WEBRTC``)."""
    server = urlsplit(live_url).netloc
    proxy = {"server": f"http://127.0.0.1:{_refusing_socket().getsockname()[1]}", "bypass": f"<-loopback>,{server}"}
    context = browser.new_context(service_workers="block", accept_downloads=False, proxy=proxy)
    context.add_init_script(NO_WEBRTC)
    confine_to(context, live_url)
    return context


# Only a window can make a peer connection (a worker cannot); a frame or a window a script opens gets the
# init script as well, so there is no untouched constructor to take from one.
NO_WEBRTC = """for (const name of ["RTCPeerConnection", "webkitRTCPeerConnection"]) {
    Object.defineProperty(window, name, {value: undefined, writable: false, configurable: false});
}"""


@functools.cache  # kept for the process's life: the port stays this process's, and refuses
def _refusing_socket() -> socket.socket:
    """A socket bound to a port of 127.0.0.1 and never listening: a connection to it is refused at once, and
    nothing else can take the port while the process lives."""
    holder = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    holder.bind(("127.0.0.1", 0))
    return holder


def confine_to(context: Any, live_url: str) -> None:
    """Let a page reach only the server under test: a script in a hostile login.html or welcome page cannot
    send requests to anything else on the machine, such as a classmate's server graded at the same time.
    HTTP goes through a route; a WebSocket, which no HTTP route sees, is refused whatever its address (the
    lesson has none)."""
    live = urlsplit(live_url)
    allowed = f"{live.scheme}://{live.netloc}"

    def only_the_target(route: Any) -> None:
        parts = urlsplit(route.request.url)
        if f"{parts.scheme}://{parts.netloc}" == allowed:
            route.continue_()
        else:
            route.abort("blockedbyclient")

    context.route("**/*", only_the_target)
    context.route_web_socket(re.compile(".*"), lambda websocket: websocket.close())


def walkthrough(page: Any, form_html: bytes, live_url: str, name: str, method: str | None = None) -> Walk:
    """The lesson's steps: open login.html, optionally switch the form's method, type ``name`` into
    the form's text field, click submit, and follow wherever the app sends the browser.

    The page is served by Playwright at ``<live_url>login.html`` with no charset in its headers, as
    from disk, and its form's hard-coded action (``http://localhost:5000/login`` in the lesson, or
    ``/login``) is pointed at the server under test, path kept. Everything after that is the browser
    talking to the real server (Playwright cannot intercept redirects, and need not).

    A step the browser cannot finish (a script that never ends, a form that a script stops, a page that
    crashes) ends the walk there, with the step and the likely cause as its ``problem``.
    """
    from playwright.sync_api import Error as BrowserError

    stage = ["opening login.html"]
    try:
        return _walk(page, form_html, live_url, name, method, stage)
    except BrowserError as error:
        return Walk(page.url, "", "", stuck(stage[-1], error))


def stuck(stage: str, error: Exception) -> str:
    """What a student reads when the browser could not finish ``stage``."""
    from playwright.sync_api import TimeoutError as BrowserTimeout

    message = str(error).split("\n", 1)[0]
    if "crash" in message.lower():
        return f"the page crashed in the browser while {stage} (do its scripts take a lot of memory?)"
    if isinstance(error, BrowserTimeout):
        return (
            f"the browser waited in vain while {stage} (does a script on the page run forever, or stop the form "
            "from being sent?)"
        )
    return f"the browser could not go on while {stage}: " + " ".join(message.split())[:200]


def _walk(page: Any, form_html: bytes, live_url: str, name: str, method: str | None, stage: list[str]) -> Walk:
    live = urlsplit(live_url)
    origin, prefix = f"{live.scheme}://{live.netloc}", live.path.rstrip("/")
    page_url = f"{origin}{prefix}/{current().form}"
    sent: list[tuple[str, str, bytes, str]] = []

    def record(request: Any) -> None:
        if request.is_navigation_request() and request.url != page_url and not sent:
            sent.append(
                (request.method, request.url, request.post_data_buffer or b"", request.headers.get("content-type", ""))
            )

    html = _JINJA_URL_FOR_LOGIN.sub(current().login.encode(), form_html)
    page.route(page_url, lambda route: route.fulfill(status=200, body=html, headers={"Content-Type": "text/html"}))
    page.on("request", record)
    page.goto(page_url)
    stage.append("looking for its form")
    forms = page.locator("form").filter(has=page.locator(TEXT_FIELD))
    if forms.count() == 0:
        return Walk(page.url, page.content(), page.inner_text("body"), "login.html has no form with a text field")
    # As a person reads the page: the name goes into the field for it, in the form that has one, whatever
    # fields come first; into the first text field where none is named so (the mistake shows).
    named = text_fields(current().field)
    with_field = page.locator("form").filter(has=page.locator(named))
    form = with_field.first if with_field.count() else forms.first
    form.evaluate(REPOINT_ACTION, [origin, prefix])
    if method is not None:
        form.evaluate("(form, method) => form.setAttribute('method', method)", method)
    stage.append("typing the name")
    field = form.locator(named)
    (field if field.count() else form.locator(TEXT_FIELD)).first.fill(name)
    stage.append("clicking submit")
    submit = form.locator(SUBMIT)
    if submit.count() == 0:
        return Walk(page.url, page.content(), page.inner_text("body"), "the form has no submit button to click")
    with page.expect_navigation() as navigation:
        submit.first.click()
    stage.append("loading the page the form led to")
    page.wait_for_load_state()
    submitted = sent[0] if sent else None
    return Walk(page.url, page.content(), page.inner_text("body"), "", submitted, _requested(navigation.value))


def _requested(response: Any) -> tuple[str, ...]:
    """The URLs a navigation requested, first to last, through its redirects; none for a change of address
    within the page (History API), for which Playwright gives no response."""
    urls = []
    request = response.request if response is not None else None
    while request is not None:
        urls.append(request.url)
        request = request.redirected_from
    return tuple(reversed(urls))
