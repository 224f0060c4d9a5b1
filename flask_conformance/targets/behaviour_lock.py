"""Behaviour locks: a target's answers to a fixed request corpus, as a text file made for diffs.

One block per request::

    === POST /login
    > Content-Type: application/x-www-form-urlencoded
    > body b'nm=alice'
    < 302
    < Content-Type: text/html; charset=utf-8
    < Location: /success/alice
    < body '<!doctype html>...'

Headers that change from run to run (``Date``, ``Server``) are left out,
``Allow`` is sorted (Werkzeug takes its order from a set), and the target's
own address is written ``{base}``. A lock replays the requests it holds, so a
lock recorded by an older kit checks the same requests.
"""

from __future__ import annotations

import ast
import difflib
import hashlib
from pathlib import Path

from ..data.atomic_file import write_atomically
from ..data.exchange import Request, Response, parse_allow
from ..transports.transport import Transport

VOLATILE = {"date", "server", "content-length"}
LONGEST_BODY_SHOWN = 400
HEADER = """\
# flask-conformance behaviour lock: {target}'s answers to {count} requests.
# Check: pytest spec_tests --target {target} --lock {path}
# Rewrite on purpose: flask-conformance lock {target} --out {path}
"""


def request_lines(request: Request) -> list[str]:
    lines = [f"=== {request.method} {request.target}"]
    lines += [f"> {key}: {value}" for key, value in request.headers]
    if request.body:
        lines.append(f"> body {request.body!r}")
    return lines


def response_lines(response: Response, base_url: str) -> list[str]:
    if not response.answered:
        return [f"< no answer: {response.error}"]
    lines = [f"< {response.status}"]
    for key, value in sorted(response.headers, key=lambda header: header[0].lower()):
        if key.lower() in VOLATILE:
            continue
        if key.lower() == "allow":
            value = ", ".join(sorted(parse_allow(value)))
        lines.append(f"< {key}: {value.replace(base_url, '{base}')}")
    text = response.body.decode("utf-8", errors="replace").replace(base_url, "{base}")
    if len(text) <= LONGEST_BODY_SHOWN and text.encode() == response.body.replace(base_url.encode(), b"{base}"):
        lines.append(f"< body {text!r}")
    else:
        digest = hashlib.sha256(response.body).hexdigest()[:16]
        lines.append(f"< body {len(response.body)} bytes, sha256 {digest}, starting {text[:60]!r}")
    return lines


def record(transport: Transport, requests: list[Request]) -> dict[Request, list[str]]:
    """Each request's block: the request, then the answer it got."""
    base = transport.base_url.rstrip("/")
    return {
        request: request_lines(request) + response_lines(transport.handle_request(request), base)
        for request in requests
    }


def render(blocks: dict[Request, list[str]], target: str, path: str) -> str:
    header = HEADER.format(target=target, count=len(blocks), path=path)
    return header + "".join("\n" + "\n".join(lines) + "\n" for lines in blocks.values())


class LockFormatError(ValueError):
    pass


def parse(text: str) -> dict[Request, list[str]]:
    """The blocks of a lock, keyed by the request each replays."""
    blocks: dict[Request, list[str]] = {}
    current: list[str] = []
    for line in [*text.splitlines(), "=== END"]:
        if line.startswith("=== ") and current:
            blocks[_request_of(current)] = current
            current = []
        if line.startswith(("=== ", "> ", "< ")) and line != "=== END":
            current.append(line)
    return blocks


def _request_of(block: list[str]) -> Request:
    try:
        method, target = block[0][4:].split(" ", 1)
        path, _, query = target.partition("?")
        headers: list[tuple[str, str]] = []
        body = b""
        for line in block[1:]:
            if line.startswith("> body "):
                body = ast.literal_eval(line[len("> body ") :])
            elif line.startswith("> "):
                key, _, value = line[2:].partition(": ")
                headers.append((key, value))
        return Request(method, path, query, tuple(headers), body)
    except (ValueError, SyntaxError) as error:
        raise LockFormatError(f"cannot read the block {block[0]!r}: {error}") from None


def differences(recorded: dict[Request, list[str]], current: dict[Request, list[str]]) -> list[str]:
    """A unified diff per request whose answer changed, lock first."""
    diffs = []
    for request, lines in recorded.items():
        now = current[request]
        if now != lines:
            diff = difflib.unified_diff(lines, now, "behaviour.lock", "now", lineterm="", n=len(lines))
            diffs.append("\n".join(list(diff)[2:]))
    return diffs


class LockCheck:
    """``--lock FILE``: replay the lock's requests and fail on any changed answer; ``--update-lock`` rewrites."""

    def __init__(self, transport: Transport, target: str, path: Path, update: bool) -> None:
        self.transport = transport
        self.target = target
        self.path = path
        self.update = update

    def run(self) -> str:
        """Check (or rewrite) the lock; returns what was done, raises ConformanceFailure on a change."""
        from ..reading.corpus import corpus
        from .client import ConformanceFailure

        if self.update:
            blocks = record(self.transport, corpus())
            write_atomically(self.path, render(blocks, self.target, str(self.path)))
            return f"rewrote {self.path}: {len(blocks)} requests"
        if not self.path.is_file():
            raise ConformanceFailure(
                f"LOCK-BEHAVIOUR: there is no lock at {self.path}. Record one with "
                f"flask-conformance lock {self.target} --out {self.path}, or add --update-lock."
            )
        try:
            recorded = parse(self.path.read_text(encoding="utf-8"))
        except LockFormatError as error:
            raise ConformanceFailure(f"LOCK-BEHAVIOUR: {self.path} is not a behaviour lock: {error}") from None
        diffs = differences(recorded, record(self.transport, list(recorded)))
        if diffs:
            shown = "\n\n".join(diffs[:10]) + (f"\n\n... and {len(diffs) - 10} more" if len(diffs) > 10 else "")
            raise ConformanceFailure(
                f"LOCK-BEHAVIOUR: {len(diffs)} of {len(recorded)} answers changed since {self.path} was recorded "
                "(- as locked, + now). If the change is meant, rewrite the lock with --update-lock.\n\n" + shown
            )
        return f"{len(recorded)} answers as locked in {self.path}"
