"""Reading the welcome page as the policy allows: raw, with references decoded, or as rendered."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from html.parser import HTMLParser

_WELCOME = re.compile("welcome", re.IGNORECASE)
# What a browser folds when it renders HTML: runs of ASCII white space (not U+00A0 or other Unicode spaces).
_SPACES = re.compile(r"[ \t\n\f\r]+")
# Never rendered as text. (A <head> that is never closed ends at the first thing that belongs in <body>, so
# <head> itself hides nothing: its <title>, <script> and <style> do.)
_HIDDEN = ("script", "style", "title", "template")


def fold(text: str) -> str:
    """White space as a browser renders it: each run of ASCII white space becomes one space."""
    return _SPACES.sub(" ", text)


def is_plain_text(content_type: str | None) -> bool:
    """A ``text/plain`` page is its own rendered text: nothing in it is markup."""
    return (content_type or "").split(";")[0].strip().lower() == "text/plain"


class _TextExtractor(HTMLParser):
    """The text a browser would render: tags dropped, scripts and styles skipped."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _HIDDEN:
            self._hidden += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in _HIDDEN and self._hidden:
            self._hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.parts.append(data)


def _folded_render(markup: str) -> str:
    extractor = _TextExtractor()
    extractor.feed(markup)
    extractor.close()
    return fold("".join(extractor.parts))


def rendered_text(markup: str) -> str:
    """The text a browser shows for an HTML page, white space folded, ends trimmed (for messages)."""
    return _folded_render(markup).strip()


def _has_welcome(text: str, name: str, folded: bool = False) -> bool:
    """``welcome <name>`` as words: not ``xxwelcome``, and not ``welcome <name>xx`` (another name).
    ``folded``: ``text`` is rendered text, so the expected text is folded the same way."""
    expected = fold(" " + name) if folded else " " + name
    for match in _WELCOME.finditer(text):
        end = match.end() + len(expected)
        if match.start() and text[match.start() - 1].isalnum():
            continue
        if not text.startswith(expected, match.end()):
            continue
        if name[-1:].isalnum() and text[end : end + 1].isalnum():
            continue
        return True
    return False


def _read_as_a_browser_may(body: str, matches: Callable[[str, bool], bool]) -> bool:
    """``matches(text, folded)`` against each reading POLICY.md allows: the body as sent (the tutorial does
    not judge escaping, and a text/plain page is its own rendered text), the body with character
    references decoded, and the text a browser renders (``folded``: runs of white space are one space
    there, so the expected text must be folded the same way)."""
    return matches(body, False) or matches(html.unescape(body), False) or matches(_folded_render(body), True)


def shows_welcome(body: str, name: str) -> bool:
    """True when the page says ``welcome <name>`` ("welcome" in any case, the name exact)."""
    return _read_as_a_browser_may(body, lambda text, folded: _has_welcome(text, name, folded))


def _has_name(text: str, name: str, folded: bool = False) -> bool:
    """``name`` in ``text`` as a whole: not glued to a letter or digit where the name itself starts or ends
    with one (``alice1`` does not show ``alice``). A regular expression, so a long page costs linear time.
    Folded, a name of white space alone is a single space, which any page has: never a match."""
    expected = fold(name) if folded else name
    if folded and not expected.strip():
        return False
    before = r"(?<![^\W_])" if expected[:1].isalnum() else ""
    after = r"(?![^\W_])" if expected[-1:].isalnum() else ""
    return re.search(before + re.escape(expected) + after, text) is not None


def shows_name(body: str, name: str) -> bool:
    """True when the page shows ``name`` exactly, whatever greets it (NAMES-* own the name, WELCOME the
    greeting)."""
    return _read_as_a_browser_may(body, lambda text, folded: _has_name(text, name, folded))
