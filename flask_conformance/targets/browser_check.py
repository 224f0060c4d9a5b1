"""A browser check as a spec test sees it: walk through the page, then judge where it ended."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from ..data.curl import curl_line
from ..data.exchange import Exchange, Request, Response
from ..reading.browser import Walk, walkthrough
from ..reading.pages import shows_welcome
from ..reading.urls import name_in_path
from .client import Client

SCREENSHOT_TIMEOUT_MS = 3000  # a page whose script never ends gives none: the walk's own wait was enough
# The top of the page, where the welcome is, and no more: a full page can be any height (a canvas of noise
# 30,000 pixels tall made a PNG of 109 MB for every failed check).
SCREENSHOT_CLIP = {"x": 0, "y": 0, "width": 1280, "height": 2000}


class BrowserCheck:
    def __init__(
        self, client: Client, page: Any, form_html: bytes, live_url: str, artifacts: Path, test_name: str
    ) -> None:
        self.client = client
        self.page = page
        self.form_html = form_html
        self.live_url = live_url
        self.artifacts = artifacts
        self.test_name = test_name

    def __call__(self, name: str, method: str | None = None) -> Walk:
        return walkthrough(self.page, self.form_html, self.live_url, name, method)

    def expect_welcome(self, walk: Walk, name: str, how: str) -> None:
        """Fail unless the browser, having sent the form to the login route, ended at ``/success/<name>`` on
        a page saying ``welcome <name>``: a script on the form's page can write both without the app."""
        prefix = urlsplit(self.live_url).path.rstrip("/")
        path = urlsplit(walk.url).path
        exercise = self.client.exercise
        arrived = name_in_path(walk.url, prefix + exercise.success_prefix) or name_in_path(
            walk.url, exercise.success_prefix
        )
        landed = (
            not walk.problem
            and arrived == name
            and (shows_welcome(walk.markup, name) or shows_welcome(walk.text, name))
        )
        asked = any(urlsplit(url).path.rstrip("/") in (prefix + exercise.login, exercise.login) for url in walk.loaded)
        if landed and asked:
            return
        expected = (
            f"typing {name!r} into {exercise.form}'s text field and clicking submit ({how}) should "
            f"land on {exercise.success_path(name)} showing '{exercise.greets(name)}'"
        )
        if landed:
            script = f"a script on {exercise.form}"
            seen = f"the browser never sent the form to {exercise.login}: " + (
                f"{script} went to {urlsplit(walk.loaded[0]).path}"
                if walk.loaded
                else f"{script} wrote {path} into the address bar without loading it"
            )
        else:
            seen = walk.problem or f"the browser ended at {path} showing {' '.join(walk.text.split())[:100]!r}"
        self.fail(expected, seen, walk)

    def fail(self, expected: str, seen: str, walk: Walk) -> None:
        screenshot = self.screenshot()
        exchange = None
        if walk.submitted is not None:
            method, url, body, content_type = walk.submitted
            parts = urlsplit(url)
            headers = (("Content-Type", content_type),) if content_type and body else ()
            # Against the target's own base URL, not the port the walk served it on for a moment: the curl
            # line runs as written beside `flask --app app run`, as every other one does.
            path = parts.path.removeprefix(urlsplit(self.live_url).path.rstrip("/")) or "/"
            request = Request(method, path, parts.query, headers, body)
            exchange = Exchange(self.client.base_url, request, Response(0, error="see above"))
        got = f"{seen}; screenshot: {screenshot.name}" if screenshot else seen
        if exchange is not None:
            self.client.fail(expected + f" (the browser sent: {curl_line(exchange)})", got=got)
        self.client.fail(expected, got=got)

    def screenshot(self) -> Path | None:
        """The page as the walk left it; None where the browser cannot take one (a crashed or stuck page)."""
        from playwright.sync_api import Error as BrowserError

        self.artifacts.mkdir(parents=True, exist_ok=True)
        path = self.artifacts / ("browser-" + re.sub(r"[^\w.-]+", "_", self.test_name) + ".png")
        try:
            self.page.screenshot(path=str(path), full_page=True, clip=SCREENSHOT_CLIP, timeout=SCREENSHOT_TIMEOUT_MS)
        except BrowserError:
            return None
        return path
