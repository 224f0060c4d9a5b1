"""The spec's fixtures: the target, a client bound to it, login.html, the browser, the reference, the lock.

Imported by ``spec_tests/conftest.py`` and nowhere else, so they exist only for the spec's own tests: a
project that has the kit installed keeps its own ``client`` (pytest-flask's, say) untouched.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator
from typing import TYPE_CHECKING, NoReturn

import pytest

from .plugin import COLLECTOR, LOAD_FAILED, SETTINGS
from .settings import Settings

if TYPE_CHECKING:
    from ..targets.client import Client
    from ..targets.targets import Target

__all__ = [
    "behaviour_lock",
    "browser_walk",
    "chromium",
    "client",
    "conformance_target",
    "differential",
    "form_page",
    "lesson_routes",
    "live_site",
    "reference_target",
]


@pytest.fixture(scope="session")
def conformance_target(pytestconfig: pytest.Config) -> Iterator[object]:
    """The target under test, opened once per session; a target that cannot load ends the run. While it is
    open, SIGTERM ends the run as Ctrl-C does, so that its sandbox is closed (``sigterm_as_ctrl_c``)."""
    from ..targets.targets import sigterm_as_ctrl_c

    with sigterm_as_ctrl_c():
        yield from _opened_target(pytestconfig)


def _opened_target(pytestconfig: pytest.Config) -> Iterator[object]:
    from ..data.curl import printable
    from ..data.grader_error import GraderError
    from ..targets.targets import DEFAULT_TARGET
    from ..transports.loading import LoadError

    settings = pytestconfig.stash[SETTINGS]
    try:
        target = _open(settings, settings.target or DEFAULT_TARGET)
    except LoadError as error:
        reason = printable(str(error))  # the submission's own words, for a terminal and a gradebook
        collector = pytestconfig.pluginmanager.get_plugin(COLLECTOR)
        if collector is not None:
            collector.load_error = reason
        pytest.exit(f"{LOAD_FAILED}{settings.target or DEFAULT_TARGET}: {reason}", returncode=1)
    except Exception as error:  # the kit's own failure (a submission's code runs elsewhere): never the student's
        raise GraderError(f"the grader could not open the submission: {type(error).__name__}") from error
    collector = pytestconfig.pluginmanager.get_plugin(COLLECTOR)
    if collector is not None:
        collector.target_description = target.description
        collector.isolation = target.isolation
    yield target
    try:
        target.close()
    except Exception as error:  # cleaning up is the grader's business: the last check's verdict stands
        sys.stderr.write(f"flask-conformance: closing the target failed: {type(error).__name__}: {error}\n")


def _open(settings: Settings, text: str) -> Target:
    """Open a target with the session's isolation and timeouts; raises LoadError."""
    from ..data.limits import Limits
    from ..targets.targets import open_target
    from ..transports.transport import DeadlineTransport

    limits = Limits(startup_timeout=settings.startup_timeout, request_timeout=settings.request_timeout)
    target = open_target(text, isolate=False if settings.in_process else None, limits=limits)
    target.transport = DeadlineTransport(target.transport, settings.time_limit)
    return target


@pytest.fixture
def client(request: pytest.FixtureRequest, conformance_target: object) -> object:
    """A client bound to the target and to the requirement the test names."""
    from ..targets.client import Client

    marker = request.node.get_closest_marker("requirement")
    requirement_id = marker.args[0] if marker else "UNNAMED"
    return Client(conformance_target.transport, requirement_id)  # type: ignore[attr-defined]


@pytest.fixture
def lesson_routes(client: Client) -> None:
    """Fails the check, once per test, unless the lesson's /login route exists: for properties that an
    app without it would satisfy (no 5xx, a 4xx for every odd name)."""
    client.require_routes("login")


@pytest.fixture
def form_page(request: pytest.FixtureRequest, conformance_target: object) -> object:
    """The target's parsed login.html; fails when a submission folder lacks it, skips (saying why) for a
    target that has none to check."""
    from ..reading.form_page import parse_form_page

    page = conformance_target.form_page  # type: ignore[attr-defined]
    if page is None:
        _no_form_page(request, conformance_target)
    return parse_form_page(page)


def _no_form_page(request: pytest.FixtureRequest, target: object) -> NoReturn:
    from ..targets.client import ConformanceFailure

    missing = target.form_missing  # type: ignore[attr-defined]
    if missing:
        marker = request.node.get_closest_marker("requirement")
        raise ConformanceFailure(f"{marker.args[0] if marker else 'FORM'}: {missing}.")
    pytest.skip(target.form_skip_reason)  # type: ignore[attr-defined]


@pytest.fixture(scope="session")
def live_site(conformance_target: object) -> Iterator[object]:
    """The target as a live URL: itself for a URL target, else served on 127.0.0.1 through its transport,
    to the browser contexts it admits (see ``live_server``)."""
    from ..targets.live_server import LiveServer, LiveSite

    if conformance_target.kind == "url":  # type: ignore[attr-defined]
        yield LiveSite(conformance_target.transport.base_url + "/")  # type: ignore[attr-defined]
        return
    server = LiveServer(conformance_target.transport, keyed=True).start()  # type: ignore[attr-defined]
    yield server.site
    server.stop()


@pytest.fixture(scope="session")
def chromium(pytestconfig: pytest.Config) -> Iterator[object]:
    """Headless Chromium through Playwright; skips with one reason when there is none."""
    from ..reading.browser import find_chromium, running_chromium

    executable = find_chromium(pytestconfig.stash[SETTINGS].chromium)
    reason = ""
    if executable is None:
        reason = "no Chromium found: install Debian's chromium, or give --chromium / FLASK_CONFORMANCE_CHROMIUM"
    else:
        try:
            import playwright.sync_api  # noqa: F401
        except ImportError:
            reason = "Playwright is not installed: pip install 'flask-conformance[browser]'"
    if reason:
        if os.environ.get("FLASK_CONFORMANCE_REQUIRE_BROWSER") == "1":
            pytest.fail(reason + " (and FLASK_CONFORMANCE_REQUIRE_BROWSER=1)", pytrace=False)
        pytest.skip(reason)
    from ..data.grader_error import GraderError
    from ..sandbox.confined_browser import confined_launcher

    with contextlib.ExitStack() as stack:
        try:
            launcher = stack.enter_context(confined_launcher(str(executable)))
            browser = stack.enter_context(running_chromium(str(executable), launcher))
        except Exception as error:  # any failure to start is the grader's, never the student's
            first_line = (str(error).splitlines() or [""])[0][:200]
            raise GraderError(f"Chromium did not start: {type(error).__name__}: {first_line}") from None
        yield browser


@pytest.fixture
def browser_walk(request: pytest.FixtureRequest, client: Client, conformance_target: object) -> Iterator[object]:
    """Walks through the target's login.html in a fresh browser page; see ``BrowserCheck``.

    Chromium and the live server are asked for only once there is a page to walk through: a single-file
    target's browser checks skip without starting either."""
    from ..reading.browser import confined_context
    from ..reading.form_page import read_page
    from ..targets.browser_check import BrowserCheck

    page_path = conformance_target.form_page  # type: ignore[attr-defined]
    if page_path is None:
        _no_form_page(request, conformance_target)
    chromium = request.getfixturevalue("chromium")
    site = request.getfixturevalue("live_site")
    live_url = site.url
    context = confined_context(chromium, live_url)
    context.set_default_timeout(10_000)
    artifacts = request.config.stash[SETTINGS].artifacts
    with site.admitted(context):
        yield BrowserCheck(client, context.new_page(), read_page(page_path), live_url, artifacts, request.node.name)
    context.close()


@pytest.fixture(scope="session")
def reference_target(pytestconfig: pytest.Config) -> Iterator[object]:
    """The target of ``--against``: the profile's reference, or any target, opened like the target."""
    from ..targets.targets import REFERENCES
    from ..transports.loading import LoadError

    settings = pytestconfig.stash[SETTINGS]
    text = REFERENCES[settings.profile] if settings.against in (None, "reference") else str(settings.against)
    try:
        reference = _open(settings, text)
    except LoadError as error:
        pytest.exit(f"{LOAD_FAILED}the reference {text} (--against): {error}", returncode=1)
    yield reference
    reference.close()


@pytest.fixture
def differential(pytestconfig: pytest.Config, client: Client, reference_target: object) -> object:
    """Sends a request to the target and to the reference, and fails where their answers differ."""
    from ..targets.differential import Differential

    return Differential(
        client,
        reference_target.transport,  # type: ignore[attr-defined]
        reference_target.text,  # type: ignore[attr-defined]
        pytestconfig.stash[SETTINGS].profile,
    )


@pytest.fixture
def behaviour_lock(pytestconfig: pytest.Config, conformance_target: object) -> object:
    """The ``--lock`` file, checked (or, with ``--update-lock``, rewritten) against the target."""
    from ..targets.behaviour_lock import LockCheck

    settings = pytestconfig.stash[SETTINGS]
    assert settings.lock is not None
    return LockCheck(
        conformance_target.transport,  # type: ignore[attr-defined]
        conformance_target.text,  # type: ignore[attr-defined]
        settings.lock,
        settings.update_lock,
    )
