"""Length-prefixed JSON frames between the grader and a sandboxed submission.

JSON, never pickle: the child is untrusted, and nothing it sends may run code
in the grader. Frames past ``MAX_FRAME`` are refused.
"""

from __future__ import annotations

import base64
import json
import socket
import struct
from typing import Any

from .exchange import Request, Response

MAX_FRAME = 8 << 20
_LENGTH = struct.Struct(">I")


class ProtocolError(Exception):
    pass


def send_frame(sock: socket.socket, message: dict[str, Any]) -> None:
    data = json.dumps(message).encode()
    sock.sendall(_LENGTH.pack(len(data)) + data)


def receive_frame(sock: socket.socket) -> dict[str, Any]:
    (length,) = _LENGTH.unpack(_receive_exactly(sock, _LENGTH.size))
    if length > MAX_FRAME:
        raise ProtocolError(f"a frame of {length} bytes, more than {MAX_FRAME}")
    try:
        message = json.loads(_receive_exactly(sock, length))
    except ValueError as error:
        raise ProtocolError(f"a frame that is not JSON: {error}") from None
    if not isinstance(message, dict):
        raise ProtocolError("a frame that is not an object")
    return message


def _receive_exactly(sock: socket.socket, size: int) -> bytes:
    chunks = bytearray()
    while len(chunks) < size:
        chunk = sock.recv(size - len(chunks))
        if not chunk:
            raise EOFError("the submission closed the connection")
        chunks += chunk
    return bytes(chunks)


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
    return {
        "status": response.status,
        "headers": [list(pair) for pair in response.headers],
        "body": base64.b64encode(response.body).decode(),
        "error": response.error,
    }


def decode_response(message: dict[str, Any]) -> Response:
    """Check every field's type: the child may send anything at all."""
    try:
        status = message["status"]
        headers = message["headers"]
        if not isinstance(status, int) or not 0 <= status <= 999 or not isinstance(headers, list):
            raise TypeError
        pairs = tuple((str(key), str(value)) for key, value in headers)
        body = base64.b64decode(str(message["body"]), validate=True)
        return Response(status, pairs, body, str(message.get("error", "")))
    except (KeyError, TypeError, ValueError):
        raise ProtocolError("a response frame of the wrong shape") from None
