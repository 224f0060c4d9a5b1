"""How an exchange reads to a student: a curl line to paste into a terminal, and a phrase for the answer."""

from __future__ import annotations

import re
import shlex

from .encoding import FORM_CONTENT_TYPE
from .exchange import Exchange, Response


def curl_line(exchange: Exchange) -> str:
    """The request as the shortest ``curl`` line that sends it, for a student to paste into a terminal.

    A body goes as ``--data-binary``, which already means POST and a form's Content-Type to curl: neither
    is spelt out unless the request differs (another method, another type, or none)."""
    words = ["curl", "-i"]
    request = exchange.request
    content_type = request.header("Content-Type")
    if request.method == "HEAD":
        words.append("--head")
    elif request.method != ("POST" if request.body else "GET"):
        words += ["-X", request.method]
    implied = {"content-length"} | ({"content-type"} if request.body and content_type == FORM_CONTENT_TYPE else set())
    for key, value in request.headers:
        if key.lower() not in implied:
            words += ["-H", f"{key}: {value}"]
    if request.body and content_type is None:
        words += ["-H", "Content-Type:"]  # curl would add a form's type to a body; this request had none
    quoted = [shlex.quote(word) for word in words]
    if request.body:
        quoted += ["--data-binary", shell_bytes(request.body)]
    quoted.append(shlex.quote(exchange.url))
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


# Characters of a header value a message quotes: more than a fair Location takes (a 260-character name of
# four-byte characters, percent-encoded, is 3120), so that only a hostile one is ever cut.
HEADER_SHOWN = 4000
EXCERPT_TAIL = re.compile(r"\.\.\. \(\d+ more characters\)$")


def excerpt(text: str, limit: int) -> str:
    """``text``, or its first ``limit`` characters and how many more there were (``EXCERPT_TAIL``): what a
    submission sent is quoted in messages, and from there in every report, so it is quoted bounded (a
    Location of 4 MiB made every report of its grade 96 MB)."""
    if len(text) <= limit:
        return text
    return f"{text[:limit]}... ({len(text) - limit} more characters)"


# What no terminal, spreadsheet or page should be handed raw: C0 controls but tab and newline (ESC starts
# the sequences that clear a screen or retitle a window), DEL, C1 controls (CSI is ESC[ to some terminals),
# and lone surrogates (no encoder writes them).
UNPRINTABLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")


def printable(text: str) -> str:
    """``text`` to show, with every character of ``UNPRINTABLE`` made U+FFFD: what a submission wrote reaches
    the instructor's terminal (a load error in the progress line), grades.csv and the reports."""
    return UNPRINTABLE.sub("\ufffd", text)


def describe(response: Response, *, body: bool = True) -> str:
    """One phrase saying what came back, for a failure message."""
    if not response.answered:
        return f"no answer ({excerpt(response.error, HEADER_SHOWN)})"
    parts = [str(response.status)]
    location = response.header("Location")
    if location is not None:
        parts.append(f"Location: {excerpt(location, HEADER_SHOWN)}")
    allow = response.header("Allow")
    if response.status == 405 or allow is not None:
        parts.append(f"Allow: {excerpt(allowed(allow), HEADER_SHOWN)}" if allow is not None else "no Allow header")
    if body and response.body:
        snippet = response.text.strip().replace("\n", " ")
        if len(snippet) > 120:
            snippet = snippet[:117] + "..."
        parts.append(f"body {snippet!r}")
    elif body:
        parts.append("an empty body")
    return ", ".join(parts)


def allowed(allow: str) -> str:
    """An Allow header's methods in one order: Werkzeug lists them from a set, in an order that changes
    from run to run, and the order means nothing (RFC 9110 §10.2.1); a regrade reads the same."""
    return ", ".join(sorted(method.strip() for method in allow.split(",") if method.strip()))
