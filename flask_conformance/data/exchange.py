"""The request and response types every transport speaks, and the exchange of one for the other."""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field

Headers = tuple[tuple[str, str], ...]


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


Frame = tuple[str, int, str]  # a file relative to the submission, a line number, the text of that line


@dataclass(frozen=True)
class Raised:
    """An exception the submission's own code raised: its type, its message, and the frames of the
    traceback that are in the student's files, innermost last."""

    kind: str
    message: str
    frames: tuple[Frame, ...] = ()

    def lines(self) -> list[str]:
        head = f"Your app raised {self.kind}" + (f": {self.message}" if self.message else "")
        return [head, *(f"  {frame_text(frame)}" for frame in self.frames)]


def frame_text(frame: Frame) -> str:
    """One frame as a student reads it: ``app.py, line 7: return request.arg``."""
    path, line, code = frame
    return f"{path}, line {line}: {code}"


@dataclass(frozen=True)
class Response:
    """What came back. ``status`` is 0 when nothing came back, and ``error`` says why; ``raised`` is the
    exception behind a server error, when the app runs where the kit can see it (in-process or sandboxed)."""

    status: int
    headers: Headers = ()
    body: bytes = b""
    error: str = ""
    raised: Raised | None = field(default=None, compare=False)

    def header(self, name: str) -> str | None:
        return find_header(self.headers, name)

    @property
    def answered(self) -> bool:
        return self.status != 0

    @property
    def text(self) -> str:
        return browser_decoded(self.body, self.charset)[0]

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


BYTE_ORDER_MARKS = ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be"))


def browser_decoded(raw: bytes, encoding: str) -> tuple[str, str | None]:
    """``raw`` decoded as a browser decodes it, and the encoding its byte order mark fixed (None without
    one): a mark comes before any declaration, a header's charset or a page's own."""
    for mark, marked in BYTE_ORDER_MARKS:
        if raw.startswith(mark):
            return raw[len(mark) :].decode(marked, errors="replace"), marked
    return raw.decode(encoding, errors="replace"), None


def browser_encoding(label: str) -> str:
    try:
        name = codecs.lookup(label[:40]).name
    except (LookupError, ValueError):
        return "utf-8"
    return name if name in BROWSER_ENCODINGS else "utf-8"


# A status is three digits, 100 to 599 (RFC 9110, 15), then a space and a reason, or nothing.
_STATUS = re.compile(r"([1-5][0-9]{2})(?: |$)")
STATUS_SHOWN = 80


def status_code(line: object) -> int | None:
    """The code of a status line without its HTTP version (``302 FOUND``), None when it carries none: Werkzeug
    turns a view's status that is no number (``return page, name``) into ``0 <text>``, and sends it so."""
    match = _STATUS.match(str(line))
    return int(match.group(1)) if match else None


def not_a_status(line: object) -> Response:
    """No answer, saying why: the app's status line carries no HTTP status."""
    shown = str(line).strip()[:STATUS_SHOWN]
    return Response(
        0,
        error=f"the app answered with the status line {shown!r}, which is no HTTP status: a status "
        "is a number from 100 to 599",
    )


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
