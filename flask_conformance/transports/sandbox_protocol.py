"""Length-prefixed JSON frames between the grader and a sandboxed submission.

JSON, never pickle: the child is untrusted, and nothing it sends may run code
in the grader. Everything is bounded before it is parsed: a frame's size (``MAX_FRAME``), the time it
takes to arrive (one deadline for the whole frame, so a child dripping a byte at a time is cut off), and
its nesting depth (``MAX_DEPTH``). Text that cannot be a header (surrogates, NUL, CR, LF) is replaced.
"""

from __future__ import annotations

import base64
import json
import re
import socket
import struct
import time
from typing import Any

from ..data.exchange import Raised, Request, Response
from .raised import MAX_FRAMES, MAX_TEXT

MAX_FRAME = 8 << 20
MAX_DEPTH = 4  # a response frame is {"raised": {"frames": [[path, line, text], ...]}}: four levels
_LENGTH = struct.Struct(">I")
# The bytes that matter to nesting: an escape pair (so that \" does not end a string), a quote, a bracket.
# One fixed-width token at a time: linear time and constant memory whatever the frame holds.
_TOKENS = re.compile(rb'\\.|["\[\]{}]', re.DOTALL)
_NOT_HEADER_TEXT = re.compile("[\x00\r\n\ud800-\udfff]")
_NOT_TEXT_LINE = re.compile("[\x00\r\ud800-\udfff]")


class ProtocolError(Exception):
    pass


def send_frame(sock: socket.socket, message: dict[str, Any]) -> None:
    data = json.dumps(message).encode()
    sock.sendall(_LENGTH.pack(len(data)) + data)


def receive_frame(sock: socket.socket, timeout: float | None = None) -> dict[str, Any]:
    """One frame, whole within ``timeout`` seconds (None: the socket's own timeout, per frame)."""
    if timeout is None:
        timeout = sock.gettimeout()
    deadline = None if timeout is None else time.monotonic() + timeout
    (length,) = _LENGTH.unpack(_receive_exactly(sock, _LENGTH.size, deadline))
    if length > MAX_FRAME:
        raise ProtocolError(f"a frame of {length} bytes, more than {MAX_FRAME}")
    data = _receive_exactly(sock, length, deadline)
    if nesting_depth(data) > MAX_DEPTH:
        raise ProtocolError(f"a frame nested more than {MAX_DEPTH} levels deep")
    try:
        message = json.loads(data)
    except (ValueError, RecursionError) as error:
        raise ProtocolError(f"a frame that is not JSON: {type(error).__name__}") from None
    if not isinstance(message, dict):
        raise ProtocolError("a frame that is not an object")
    return message


def nesting_depth(data: bytes) -> int:
    """How deep the brackets of a JSON text nest, outside its strings; counting stops past MAX_DEPTH."""
    depth = deepest = 0
    in_string = False
    for match in _TOKENS.finditer(data):
        token = match.group()
        if token[:1] == b"\\":
            continue
        if token == b'"':
            in_string = not in_string
        elif not in_string:
            depth += 1 if token in (b"[", b"{") else -1
            deepest = max(deepest, depth)
            if deepest > MAX_DEPTH:
                break
    return deepest


def _receive_exactly(sock: socket.socket, size: int, deadline: float | None) -> bytes:
    chunks = bytearray()
    while len(chunks) < size:
        if deadline is not None:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError("the frame did not arrive in time")
            sock.settimeout(remaining)
        chunk = sock.recv(min(size - len(chunks), 1 << 20))
        if not chunk:
            raise EOFError("the submission closed the connection")
        chunks += chunk
    return bytes(chunks)


def plain_text(value: object, limit: int = 2000) -> str:
    """A short message from the child as one line of data."""
    return _NOT_HEADER_TEXT.sub(" ", str(value))[:limit]


def plain_lines(value: object, limit: int = 4000) -> str:
    """A longer message from the child, such as a load error with its frames: lines of data."""
    return _NOT_TEXT_LINE.sub(" ", str(value))[:limit]


def header_text(value: object) -> str:
    """A header name or value as data: what HTTP cannot carry (surrogates, NUL, CR, LF) becomes U+FFFD."""
    return _NOT_HEADER_TEXT.sub("\ufffd", str(value))


def encode_request(request: Request) -> dict[str, Any]:
    return {
        "method": request.method,
        "path": request.path,
        "query": request.query,
        "headers": [list(pair) for pair in request.headers],
        "body": base64.b64encode(request.body).decode(),
    }


def decode_request(message: dict[str, Any]) -> Request:
    return Request(
        message["method"],
        message["path"],
        message["query"],
        tuple((str(key), str(value)) for key, value in message["headers"]),
        base64.b64decode(message["body"]),
    )


def encode_response(response: Response) -> dict[str, Any]:
    message: dict[str, Any] = {
        "status": response.status,
        "headers": [list(pair) for pair in response.headers],
        "body": base64.b64encode(response.body).decode(),
        "error": response.error,
    }
    if response.raised is not None:
        raised = response.raised
        message["raised"] = {"kind": raised.kind, "message": raised.message, "frames": [*map(list, raised.frames)]}
    return message


def decode_response(message: dict[str, Any]) -> Response:
    """Check every field's type: the child may send anything at all."""
    try:
        status = message["status"]
        headers = message["headers"]
        if not isinstance(status, int) or not 0 <= status <= 999 or not isinstance(headers, list):
            raise TypeError
        pairs = tuple((header_text(key), header_text(value)) for key, value in headers)
        body = base64.b64decode(str(message["body"]), validate=True)
        raised = decode_raised(message.get("raised"))
        return Response(status, pairs, body, plain_text(message.get("error", "")), raised)
    except (KeyError, TypeError, ValueError):
        raise ProtocolError("a response frame of the wrong shape") from None


def decode_raised(value: object) -> Raised | None:
    """The exception a child reports, each field checked and cut to the bounds a child keeps to itself."""
    if value is None:
        return None
    if not isinstance(value, dict) or not isinstance(value.get("frames"), list):
        raise TypeError
    frames = []
    for frame in value["frames"][:MAX_FRAMES]:
        if not isinstance(frame, list) or len(frame) != 3 or not isinstance(frame[1], int):
            raise TypeError
        frames.append((plain_text(frame[0], MAX_TEXT), frame[1], plain_text(frame[2], MAX_TEXT)))
    return Raised(
        plain_text(value.get("kind", ""), MAX_TEXT), plain_text(value.get("message", ""), MAX_TEXT), tuple(frames)
    )
