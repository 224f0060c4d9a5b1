"""The request and response types every transport speaks, and how they read to a student."""

from __future__ import annotations

import codecs
import shlex
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import quote, urlencode

Headers = tuple[tuple[str, str], ...]
FORM_CONTENT_TYPE = "application/x-www-form-urlencoded"


def encode_fields(fields: Iterable[tuple[str, str]]) -> str:
    """Fields as a browser encodes a query string or an urlencoded form: every reserved character escaped."""
    return urlencode(list(fields), quote_via=quote)


def success_path(name: str) -> str:
    """The welcome page's path for ``name``, the name in one escaped segment (as ``url_for`` builds it)."""
    return "/success/" + quote(name, safe="")


@dataclass(frozen=True)
class Request:
    """One HTTP request, relative to the target's root.

    ``path`` is already percent-encoded (ASCII only) and starts with ``/``;
    ``query`` is the raw query string without ``?``.
    """

    method: str
    path: str
    query: str = ""
    headers: Headers = ()
    body: bytes = b""

    def header(self, name: str) -> str | None:
        return find_header(self.headers, name)

    @property
    def target(self) -> str:
        return self.path + ("?" + self.query if self.query else "")


@dataclass(frozen=True)
class Response:
    """What came back. ``status`` is 0 when nothing came back, and ``error`` says why."""

    status: int
    headers: Headers = ()
    body: bytes = b""
    error: str = ""

    def header(self, name: str) -> str | None:
        return find_header(self.headers, name)

    @property
    def answered(self) -> bool:
        return self.status != 0

    @property
    def text(self) -> str:
        return self.body.decode(self.charset, errors="replace")

    @property
    def charset(self) -> str:
        """The declared charset when a browser would decode with it too; UTF-8 otherwise."""
        content_type = self.header("Content-Type") or ""
        for part in content_type.split(";")[1:]:
            key, _, value = part.strip().partition("=")
            if key.lower() == "charset" and value:
                return browser_encoding(value.strip('"'))
        return "utf-8"


# The encodings of the WHATWG Encoding Standard, which is all a browser decodes, by Python's codec name.
# Anything else (an unknown label, or a codec such as punycode whose decoding time grows with the square of
# the body) is read as UTF-8, the way the kit reads a page that declares nothing.
BROWSER_ENCODINGS = frozenset(
    {"utf-8", "utf-16-be", "utf-16-le", "utf-16", "ascii", "cp866", "koi8-r", "koi8-u", "mac-roman"}
    | {"mac-cyrillic", "cp874", "gbk", "gb18030", "big5", "euc_jp", "iso2022_jp", "shift_jis", "euc_kr"}
    | {f"iso8859-{number}" for number in (1, 2, 3, 4, 5, 6, 7, 8, 10, 13, 14, 15, 16)}
    | {f"cp{number}" for number in range(1250, 1259)}
)


def browser_encoding(label: str) -> str:
    try:
        name = codecs.lookup(label[:40]).name
    except (LookupError, ValueError):
        return "utf-8"
    return name if name in BROWSER_ENCODINGS else "utf-8"


def find_header(headers: Headers, name: str) -> str | None:
    wanted = name.lower()
    for key, value in headers:
        if key.lower() == wanted:
            return value
    return None


def parse_allow(value: str | None) -> frozenset[str]:
    """``Allow`` is a comma list whose order Werkzeug takes from a set: compare it as one."""
    if not value:
        return frozenset()
    return frozenset(item.strip().upper() for item in value.split(",") if item.strip())


@dataclass(frozen=True)
class Exchange:
    """A request sent to a target's ``base_url`` and the answer it got."""

    base_url: str
    request: Request
    response: Response = field(compare=False)

    @property
    def url(self) -> str:
        return self.base_url.rstrip("/") + self.request.target

    def curl(self) -> str:
        """The request as a ``curl`` line a student can paste into a terminal."""
        words = ["curl", "-i"]
        method = self.request.method
        if method == "HEAD":
            words.append("--head")
        elif method != "GET" or self.request.body:
            words += ["-X", method]
        for key, value in self.request.headers:
            if key.lower() != "content-length":
                words += ["-H", f"{key}: {value}"]
        quoted = [shlex.quote(word) for word in words]
        if self.request.body:
            quoted += ["--data-binary", shell_bytes(self.request.body)]
        quoted.append(shlex.quote(self.url))
        return " ".join(quoted)


def shell_bytes(data: bytes) -> str:
    """Bytes as one shell word: plainly quoted when printable UTF-8, else as bash's ``$'\\xHH'``."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = None
    if text is not None and text.isprintable():
        return shlex.quote(text)
    escaped = "".join(chr(byte) if 32 <= byte < 127 and chr(byte) not in "\\'" else f"\\x{byte:02x}" for byte in data)
    return f"$'{escaped}'"


def describe(response: Response, *, body: bool = True) -> str:
    """One phrase saying what came back, for a failure message."""
    if not response.answered:
        return f"no answer ({response.error})"
    parts = [str(response.status)]
    location = response.header("Location")
    if location is not None:
        parts.append(f"Location: {location}")
    allow = response.header("Allow")
    if response.status == 405 or allow is not None:
        parts.append(f"Allow: {allow}" if allow is not None else "no Allow header")
    if body and response.body:
        snippet = response.text.strip().replace("\n", " ")
        if len(snippet) > 120:
            snippet = snippet[:117] + "..."
        parts.append(f"body {snippet!r}")
    elif body:
        parts.append("an empty body")
    return ", ".join(parts)


def encode_multipart(fields: dict[str, str]) -> tuple[bytes, str]:
    """A multipart/form-data body, by Werkzeug's encoder, with a boundary fixed by the fields (so that a
    curl line shown to a student is the same on every run)."""
    from werkzeug.test import encode_multipart as werkzeug_encode

    boundary, body = werkzeug_encode(
        fields, boundary="----flask-conformance-" + uuid.uuid5(uuid.NAMESPACE_URL, repr(fields)).hex
    )
    # Werkzeug opens with an empty preamble line; without it the body is byte for byte what the kit sent
    # before, so behaviour locks recorded earlier still match their requests.
    return body.removeprefix(b"\r\n"), f"multipart/form-data; boundary={boundary}"
