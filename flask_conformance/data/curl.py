"""How an exchange reads to a student: a curl line to paste into a terminal, and a phrase for the answer."""

from __future__ import annotations

import shlex

from .exchange import Exchange, Response


def curl_line(exchange: Exchange) -> str:
    """The request as a ``curl`` line a student can paste into a terminal."""
    words = ["curl", "-i"]
    method = exchange.request.method
    if method == "HEAD":
        words.append("--head")
    elif method != "GET" or exchange.request.body:
        words += ["-X", method]
    for key, value in exchange.request.headers:
        if key.lower() != "content-length":
            words += ["-H", f"{key}: {value}"]
    quoted = [shlex.quote(word) for word in words]
    if exchange.request.body:
        quoted += ["--data-binary", shell_bytes(exchange.request.body)]
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
