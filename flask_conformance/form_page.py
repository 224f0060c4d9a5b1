"""Reading a submission's ``login.html``: its form, the form's action, method and controls."""

from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from .urls import remove_dot_segments

# The lesson opens login.html from disk and posts to localhost:5000; a relative
# action is resolved as if the page were served by the app at its root.
PAGE_URL = "http://localhost:5000/login.html"
_JINJA_URL_FOR_LOGIN = re.compile(r"""^\{\{\s*url_for\(\s*['"]login['"]\s*\)\s*\}\}$""")
_CHARSET_IN_CONTENT = re.compile(r"charset\s*=\s*['\"]?\s*utf-?8", re.IGNORECASE)
MAX_PAGE = 1 << 20


@dataclass
class Control:
    tag: str
    attributes: dict[str, str]

    @property
    def type(self) -> str:
        default = "submit" if self.tag == "button" else "text"
        return (self.attributes.get("type") or default).strip().lower()

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
            return "/login"
        if "{{" in action or "{%" in action:
            return None
        resolved = urlsplit(urljoin(PAGE_URL, action))
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

    def login_form(self) -> Form | None:
        """The form with an ``nm`` field, else the first form on the page."""
        for form in self.forms:
            if any(control.name == "nm" for control in form.controls):
                return form
        return self.forms[0] if self.forms else None

    def declares_utf8(self) -> bool:
        form = self.login_form()
        accept = (form.attributes.get("accept-charset") or "") if form else ""
        declared = [self.meta_charset or "", accept]
        return any(value.strip().lower().replace("_", "-") in ("utf-8", "utf8") for value in declared)


class _FormParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self.meta_charset: str | None = None
        self._open: Form | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {key.lower(): (value or "") for key, value in attrs}
        if tag == "form":
            self._open = Form(attributes)
            self.forms.append(self._open)
        elif tag in ("input", "button") and self._open is not None:
            self._open.controls.append(Control(tag, attributes))
        elif tag == "meta" and self.meta_charset is None:
            if "charset" in attributes:
                self.meta_charset = attributes["charset"]
            elif attributes.get("http-equiv", "").lower() == "content-type" and _CHARSET_IN_CONTENT.search(
                attributes.get("content", "")
            ):
                self.meta_charset = "utf-8"

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._open = None


def read_page(path: Path) -> bytes:
    """At most ``MAX_PAGE`` bytes of a regular file, never following a link and never blocking on a FIFO."""
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError:
        return b""
    with open(descriptor, "rb") as page:
        return page.read(MAX_PAGE) if stat.S_ISREG(os.fstat(descriptor).st_mode) else b""


def parse_form_page(path: Path) -> FormPage:
    raw = read_page(path)
    parser = _FormParser()
    parser.feed(raw.decode("utf-8", errors="replace"))
    parser.close()
    return FormPage(path, parser.forms, parser.meta_charset)


def find_form_page(folder: Path) -> Path | None:
    """``login.html`` in a submission folder, or in its ``templates/``."""
    for candidate in (folder / "login.html", folder / "templates" / "login.html"):
        if candidate.is_file() and not candidate.is_symlink():
            return candidate
    return None
