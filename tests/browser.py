"""Finding and starting Chromium for the kit's browser tests: no download, Debian's build or a given path."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def chromium_path() -> str | None:
    """``FLASK_CONFORMANCE_CHROMIUM``, else ``/usr/bin/chromium``, else ``chromium`` on PATH."""
    for candidate in (os.environ.get("FLASK_CONFORMANCE_CHROMIUM"), "/usr/bin/chromium", shutil.which("chromium")):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    return None


@contextmanager
def chromium_page() -> Iterator[Any]:
    path = chromium_path()
    required = os.environ.get("FLASK_CONFORMANCE_REQUIRE_BROWSER") == "1"
    if path is None:
        reason = "no Chromium: install Debian's chromium or set FLASK_CONFORMANCE_CHROMIUM"
        pytest.fail(reason + " (FLASK_CONFORMANCE_REQUIRE_BROWSER=1)") if required else pytest.skip(reason)
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=path, args=CHROMIUM_FLAGS)
        try:
            yield browser.new_page()
        finally:
            browser.close()
