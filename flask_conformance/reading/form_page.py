"""Reading a submission's ``login.html``: its form, the form's action, method and controls."""

from __future__ import annotations

import functools
import itertools
import os
import re
import stat
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin, urlsplit
from xml.etree.ElementTree import Element

from ..data.exchange import browser_decoded
from ..data.exercise import current
from .pages import elements, parse_html
from .submission_copy import passed_over
from .urls import remove_dot_segments


def page_url() -> str:
    """The lesson opens login.html from disk and posts to localhost:5000; a relative action is resolved as if
    the page were served by the app at its root."""
    return f"http://localhost:5000/{current().form}"


# A login.html the app renders as a template: ``{{ url_for('login') }}``, with keyword arguments or not.
URL_FOR_LOGIN = r"""\{\{\s*url_for\(\s*['"]login['"]\s*(?:,[^()]*)?\)\s*\}\}"""
_JINJA_URL_FOR_LOGIN = re.compile(f"^{URL_FOR_LOGIN}$")
_CHARSET_IN_CONTENT = re.compile(r"charset\s*=\s*['\"]?\s*utf-?8", re.IGNORECASE)
MAX_PAGE = 1 << 20
# How much of login.html is parsed (characters, start tags): see pages.WELCOME_PAGE_PARSED. A lesson's form
# page is under a kilobyte; this leaves room for a page that inlines its style sheet.
FORM_PAGE_PARSED = (64 * 1024, 2000)
FORM_PAGE_DEPTH = 2  # folders below the submission's whose files are looked at: app/templates/login.html
FORM_PAGE_NAMES = 5000


# The types HTML gives an input and a button (HTML Living Standard, 4.10.5 and 4.10.6). Any other value,
# matched without trimming, is the default to a browser: a text field (`type="name"`), a submit button.
INPUT_TYPES = frozenset(
    {"hidden", "text", "search", "tel", "url", "email", "password", "date", "month", "week", "time"}
    | {"datetime-local", "number", "range", "color", "checkbox", "radio", "file", "submit", "image", "reset", "button"}
)
BUTTON_TYPES = frozenset({"submit", "reset", "button"})


@dataclass
class Control:
    tag: str
    attributes: dict[str, str]

    @property
    def type(self) -> str:
        """The type a browser gives the control: its attribute when HTML knows the value, else the default."""
        value = self.attributes.get("type", "").lower()
        if self.tag == "button":
            return value if value in BUTTON_TYPES else "submit"
        return value if value in INPUT_TYPES else "text"

    @property
    def name(self) -> str | None:
        """As written: a browser posts ``name=" nm "`` as the field `` nm ``, which the app never reads."""
        return self.attributes.get("name")

    @property
    def disabled(self) -> bool:
        """A disabled control is never submitted, and cannot be clicked."""
        return "disabled" in self.attributes


@dataclass
class Form:
    attributes: dict[str, str]
    controls: list[Control] = field(default_factory=list)

    @property
    def method(self) -> str:
        """The declared method, lower case; an absent one is GET in HTML.

        A browser also sends GET for an unknown value such as ``put``, but that
        is a mistake to report, not a GET form, so it is returned as written.
        """
        return (self.attributes.get("method") or "get").strip().lower()

    @property
    def action(self) -> str | None:
        return self.attributes.get("action")

    def action_path(self) -> str | None:
        """The path the form submits to, or None when the action cannot be resolved statically."""
        action = (self.action or "").strip()
        if _JINJA_URL_FOR_LOGIN.match(action):
            return current().login
        if "{{" in action or "{%" in action:
            return None
        resolved = urlsplit(urljoin(page_url(), action))
        if resolved.scheme not in ("http", "https"):
            return None
        return remove_dot_segments(resolved.path or "/")

    def text_inputs(self, name: str) -> list[Control]:
        return [
            control
            for control in self.controls
            if control.tag == "input"
            and control.name == name
            and control.type in ("text", "search")
            and not control.disabled
        ]

    def submit_controls(self) -> list[Control]:
        return [
            control
            for control in self.controls
            if not control.disabled
            and (
                (control.tag == "input" and control.type in ("submit", "image"))
                or (control.tag == "button" and control.type == "submit")
            )
        ]


@dataclass
class FormPage:
    path: Path
    forms: list[Form]
    meta_charset: str | None
    byte_order_mark: str | None = None  # the encoding a byte order mark fixes, before any declaration

    def login_form(self) -> Form | None:
        """The form with an ``nm`` field (the exercise's), else the first form on the page."""
        for form in self.forms:
            if any(control.name == current().field for control in form.controls):
                return form
        return self.forms[0] if self.forms else None

    def declares_utf8(self) -> bool:
        """Whether a browser posts the form in UTF-8. A byte order mark says so too: the page is UTF-8, or
        UTF-16, from which a browser posts UTF-8 (Windows' Notepad long saved every file with one)."""
        if self.byte_order_mark is not None:
            return True
        form = self.login_form()
        accept = (form.attributes.get("accept-charset") or "") if form else ""
        declared = [self.meta_charset or "", accept]
        return any(value.strip().lower().replace("_", "-") in ("utf-8", "utf8") for value in declared)


def _attributes(element: Element) -> dict[str, str]:
    return {str(key): str(value) for key, value in element.attrib.items()}


def _forms(root: Element) -> list[Form]:
    """Each form with its controls, as a browser assigns them: the parser has already dropped a form nested
    in another, so a control belongs to the form around it, or to the one its ``form`` attribute names."""
    forms = {element: Form(_attributes(element)) for element in elements(root) if element.tag == "form"}
    by_id = {form.attributes["id"]: form for form in forms.values() if "id" in form.attributes}
    for element, form in forms.items():
        form.controls += [
            Control(str(control.tag), _attributes(control))
            for control in elements(element)
            if control.tag in ("input", "button") and "form" not in control.attrib
        ]
    for control in elements(root):
        if control.tag in ("input", "button") and control.get("form") in by_id:
            by_id[str(control.get("form"))].controls.append(Control(str(control.tag), _attributes(control)))
    return list(forms.values())


def _meta_charset(root: Element) -> str | None:
    # Every <meta>, those in a <template> too: the parser changes the encoding for them as for any other.
    for meta in root.iter("meta"):
        if "charset" in meta.attrib:
            return str(meta.get("charset"))
        if str(meta.get("http-equiv", "")).lower() == "content-type" and _CHARSET_IN_CONTENT.search(
            str(meta.get("content", ""))
        ):
            return "utf-8"
    return None


def read_page(path: Path) -> bytes:
    """At most ``MAX_PAGE`` bytes of a regular file, never following a link and never blocking on a FIFO."""
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError:
        return b""
    with open(descriptor, "rb") as page:
        return page.read(MAX_PAGE) if stat.S_ISREG(os.fstat(descriptor).st_mode) else b""


def parse_form_page(path: Path) -> FormPage:
    return FormPage(path, *_parse_forms(read_page(path)))


@functools.lru_cache(maxsize=4)  # each form check reads the same page
def _parse_forms(raw: bytes) -> tuple[list[Form], str | None, str | None]:
    """The page's forms, its declared charset and the encoding its byte order mark fixes."""
    # Without a byte order mark, as UTF-8: the markup a form needs is ASCII in every encoding a browser guesses.
    text, byte_order_mark = browser_decoded(raw, "utf-8")
    root = parse_html(text, FORM_PAGE_PARSED)
    return _forms(root), _meta_charset(root), byte_order_mark


def find_form_page(folder: Path) -> Path | None:
    """``login.html`` (the exercise's form page) in a submission folder, else in its ``templates/``, else the
    shallowest one in the folders below, a ``templates/`` one first: ``app/templates/login.html`` in the
    package layout of Flask's own tutorial. In any letter case (``Login.html``, made on Windows or macOS,
    opens in a browser as the lesson has it), the exact name first. Never through a link; at most
    ``FORM_PAGE_NAMES`` names read, ``FORM_PAGE_DEPTH`` folders down, none of those the copy leaves out."""
    name = current().form
    found: list[Path] = []
    pending = deque([(folder, 0)])
    read = 0
    while pending and read < FORM_PAGE_NAMES:
        below, depth = pending.popleft()
        try:
            with os.scandir(below) as scan:
                for entry in itertools.islice(scan, FORM_PAGE_NAMES - read):
                    read += 1
                    if passed_over(entry):
                        continue
                    if entry.name.lower() == name.lower() and entry.is_file(follow_symlinks=False):
                        found.append(Path(entry.path))
                    elif depth < FORM_PAGE_DEPTH and entry.is_dir(follow_symlinks=False):
                        pending.append((Path(entry.path), depth + 1))
        except OSError:
            continue
    return min(
        found,
        key=lambda page: (len(page.parts), page.parent.name.lower() != "templates", page.name != name, str(page)),
        default=None,
    )
