"""Reading the welcome page as the policy allows: raw, with references decoded, or as rendered."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

_WELCOME = re.compile("welcome", re.IGNORECASE)
_SPACES = re.compile(r"\s+")


class _TextExtractor(HTMLParser):
    """The text a browser would render: tags dropped, scripts and styles skipped."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style", "title", "head"):
            self._hidden += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "title", "head") and self._hidden:
            self._hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.parts.append(data)


def rendered_text(markup: str) -> str:
    extractor = _TextExtractor()
    extractor.feed(markup)
    extractor.close()
    return _SPACES.sub(" ", "".join(extractor.parts)).strip()


def _has_welcome(text: str, name: str) -> bool:
    """``welcome <name>`` as words: not ``xxwelcome``, and not ``welcome <name>xx`` (another name)."""
    expected = " " + name
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


def shows_welcome(body: str, name: str) -> bool:
    """True when the page says ``welcome <name>`` ("welcome" in any case, the name exact).

    Tried against the body as sent (the tutorial does not judge escaping), the
    body with character references decoded, and the text a browser renders
    (where runs of white space fold into one, in the name too).
    """
    if _has_welcome(body, name) or _has_welcome(html.unescape(body), name):
        return True
    return _has_welcome(rendered_text(body), _SPACES.sub(" ", name))
