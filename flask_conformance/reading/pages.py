"""Reading the welcome page as the policy allows: raw, with references decoded, or as rendered."""

from __future__ import annotations

import functools
import html
import re
from collections.abc import Callable, Iterator
from xml.etree.ElementTree import Element

import html5lib

from ..data.exercise import current

# What a browser folds when it renders HTML: runs of ASCII white space (not U+00A0 or other Unicode spaces).
_SPACES = re.compile(r"[ \t\n\f\r]+")
# Never rendered as text. (The WHATWG parser puts whatever belongs in <body> there, even when </head> or
# <body> is missing, so <head> holds only what a browser never shows.)
_HIDDEN = frozenset(("head", "script", "style", "title", "template", "noscript"))
# Elements a browser lays out on a line of their own: their text never runs into the text around them.
_BLOCKS = frozenset(
    [
        "address",
        "article",
        "aside",
        "blockquote",
        "br",
        "dd",
        "details",
        "dialog",
        "div",
        "dl",
        "dt",
        "fieldset",
        "figcaption",
        "figure",
        "footer",
        "form",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hr",
        "li",
        "main",
        "nav",
        "ol",
        "p",
        "pre",
        "section",
        "summary",
        "table",
        "td",
        "th",
        "tr",
        "ul",
    ]
)


# How much of a page is parsed. A browser bounds what it builds too (Chromium nests elements at most 512
# deep), and a parser that follows the WHATWG algorithm as written, html5lib included, spends quadratic
# time on a page built for it: 100,000 nested elements, or one attribute repeated 100,000 times, would
# hold the grader for minutes. A lesson's page is a few hundred bytes.
WELCOME_PAGE_PARSED = (16 * 1024, 500)  # characters, start tags
_START_TAG = re.compile(r"<[A-Za-z]")


def parse_html(markup: str, bound: tuple[int, int]) -> Element:
    """The document a browser builds from the first ``bound`` (characters, start tags) of ``markup``:
    html5lib's WHATWG parser, elements without namespace, scripting on as in a browser (``<noscript>``
    holds text)."""
    characters, tags = bound
    markup = markup[:characters]
    cut = next((match.start() for count, match in enumerate(_START_TAG.finditer(markup)) if count == tags), None)
    return html5lib.parse(markup[:cut], treebuilder="etree", namespaceHTMLElements=False, scripting=True)


def elements(root: Element) -> Iterator[Element]:
    """Every element of the document in document order: comments and processing instructions left out, and
    the contents of a ``<template>``, which a browser keeps out of the document (html5lib keeps them in)."""
    pending = [root]
    while pending:
        element = pending.pop()
        if isinstance(element.tag, str):
            yield element
            if element.tag != "template":
                pending += reversed(element)


def fold(text: str) -> str:
    """White space as a browser renders it: each run of ASCII white space becomes one space."""
    return _SPACES.sub(" ", text)


def is_plain_text(content_type: str | None) -> bool:
    """A ``text/plain`` page is its own rendered text: nothing in it is markup."""
    return (content_type or "").split(";")[0].strip().lower() == "text/plain"


def _text_parts(root: Element) -> Iterator[str]:
    """The text of ``root`` in document order, without recursion (a page may nest 100,000 deep)."""
    pending: list[Element | str] = [root]
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            yield item
            continue
        if not isinstance(item.tag, str) or item.tag in _HIDDEN or "hidden" in item.attrib:
            continue
        block = "\n" if item.tag in _BLOCKS else ""
        yield block + (item.text or "")
        after: list[Element | str] = [block]
        for child in reversed(item):
            after += [child.tail or "", child]
        pending += after


@functools.lru_cache(maxsize=16)  # a page is read for its greeting, its name and the message about it
def _folded_render(markup: str) -> str:
    return fold("".join(_text_parts(parse_html(markup, WELCOME_PAGE_PARSED))))


def rendered_text(markup: str) -> str:
    """The text a browser shows for an HTML page, white space folded, ends trimmed (for messages)."""
    return _folded_render(markup).strip()


def _has_welcome(text: str, name: str, folded: bool = False) -> bool:
    """``welcome <name>`` as words (the exercise's greeting): not ``xxwelcome``, and not ``welcome <name>xx``
    (another name). ``folded``: ``text`` is rendered text, so the expected text is folded the same way."""
    expected = fold(" " + name) if folded else " " + name
    for match in re.finditer(re.escape(current().greeting), text, re.IGNORECASE):
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
    """True when the page says ``welcome <name>`` (the exercise's greeting in any case, the name exact)."""
    return _read_as_a_browser_may(body, lambda text, folded: _has_welcome(text, name, folded))


def _has_name(text: str, name: str, folded: bool = False) -> bool:
    """``name`` in ``text`` as a whole: not glued to a letter or digit where the name itself starts or ends
    with one (``alice1`` does not show ``alice``). Searched, not matched by a regular expression made for
    each name: compiling one cost more than the page it searched. Folded, a name of white space alone is a
    single space, which any page has: never a match."""
    expected = fold(name) if folded else name
    if folded and not expected.strip():
        return False
    letter_first, letter_last = expected[:1].isalnum(), expected[-1:].isalnum()
    at = text.find(expected)
    while at >= 0:
        end = at + len(expected)
        glued_before = letter_first and at > 0 and text[at - 1].isalnum()
        if not glued_before and not (letter_last and text[end : end + 1].isalnum()):
            return True
        at = text.find(expected, at + 1)
    return False


def shows_name(body: str, name: str) -> bool:
    """True when the page shows ``name`` exactly, whatever greets it (NAMES-* own the name, WELCOME the
    greeting)."""
    return _read_as_a_browser_may(body, lambda text, folded: _has_name(text, name, folded))
