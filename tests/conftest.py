"""Helpers for the kit's own tests: run the spec in an inner pytest against one implementation."""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import pytest

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "spec_tests"
IMPLEMENTATIONS = ROOT / "tests" / "implementations"


@dataclass(frozen=True)
class SpecRun:
    ret: int
    failed: frozenset[str]
    passed: frozenset[str]
    skipped: frozenset[str]
    output: str
    failed_requirements: frozenset[str]  # as results.json grades them: a requirement fails once for all its tests

    def failed_functions(self) -> set[str]:
        return {function_name(node) for node in self.failed}


def function_name(node: str) -> str:
    """``spec_tests/test_x.py::test_y[param]`` -> ``test_y``."""
    return node.split("::")[-1].split("[")[0]


_RUNS: dict[tuple[str, ...], SpecRun] = {}


def run_spec(pytester: pytest.Pytester, *arguments: str) -> SpecRun:
    """Run ``spec_tests`` in an inner pytest; runs with the same arguments are shared by the session."""
    if arguments not in _RUNS:
        results = pytester.path / f"results-{len(_RUNS)}.json"
        result = pytester.runpytest_inprocess(
            str(SPEC), "-p", "no:cacheprovider", "-p", "no:randomly", "--results", str(results), *arguments
        )
        reports = result.reprec.getreports("pytest_runtest_logreport")  # type: ignore[attr-defined]

        def outcome(name: str) -> frozenset[str]:
            return frozenset(report.nodeid.split("spec_tests/")[-1] for report in reports if getattr(report, name))

        _RUNS[arguments] = SpecRun(
            int(result.ret),
            outcome("failed"),
            outcome("passed"),
            outcome("skipped"),
            "\n".join(result.outlines + result.errlines),
            frozenset(
                test["tags"][0]
                for test in (json.loads(results.read_text())["tests"] if results.exists() else ())
                if test["status"] == "failed"
            ),
        )
    return _RUNS[arguments]


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def serve_wsgi() -> Iterator[object]:
    """Serve a WSGI app on 127.0.0.1, on a port the OS picks; stopped when the test ends."""
    servers: list[WSGIServer] = []

    def serve(app: object) -> str:
        server = make_server("127.0.0.1", 0, app, handler_class=_QuietHandler)  # type: ignore[arg-type]
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_port}"

    yield serve
    for server in servers:
        server.shutdown()
        server.server_close()


@contextmanager
def chromium_page() -> Iterator[Any]:
    """A page in headless Chromium; skips, or fails under FLASK_CONFORMANCE_REQUIRE_BROWSER=1, without one."""
    from flask_conformance.reading.browser import find_chromium, launch

    executable = find_chromium()
    if executable is None:
        reason = "no Chromium: install Debian's chromium or set FLASK_CONFORMANCE_CHROMIUM"
        if os.environ.get("FLASK_CONFORMANCE_REQUIRE_BROWSER") == "1":
            pytest.fail(reason)
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = launch(playwright, executable)
        try:
            yield browser.new_page()
        finally:
            browser.close()
