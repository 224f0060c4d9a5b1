"""The lesson's app written without Flask, on the standard library's http.server.

Used to show that a URL target in any framework or language is graded by what
it answers. ``serve(prefix="/app")`` mounts it below a base path.
"""

from __future__ import annotations

import threading
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, quote, unquote, urlsplit


def multipart_field(content_type: str, body: bytes, wanted: str) -> str:
    message = BytesParser(policy=HTTP).parsebytes(f"Content-Type: {content_type}\r\n\r\n".encode() + body)
    for part in message.iter_parts():
        if part.get_param("name", header="content-disposition") == wanted:
            return str(part.get_content())
    return ""


def make_handler(prefix: str, body_on_head: bool = False) -> type[BaseHTTPRequestHandler]:
    class Lesson(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass

        def answer(self, status: int, body: str = "", headers: dict[str, str] | None = None) -> None:
            data = body.encode()
            self.send_response(status)
            for key, value in (headers or {}).items():
                self.send_header(key, value)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            if self.command != "HEAD" or body_on_head:  # the mistake: a body on HEAD, for a wrong twin
                self.wfile.write(data)

        def route(self) -> None:
            parts = urlsplit(self.path)
            path = parts.path[len(prefix):] if parts.path.startswith(prefix + "/") else None
            allowed = {"/login": "GET, HEAD, POST, OPTIONS"}.get(path or "", "GET, HEAD, OPTIONS")
            if path == "/login" or (path or "").startswith("/success/"):
                if self.command == "OPTIONS":
                    return self.answer(200, headers={"Allow": allowed})
                if self.command not in allowed.split(", "):
                    return self.answer(405, "method not allowed", {"Allow": allowed})
            if path == "/login":
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                if self.command != "POST":
                    name = parse_qs(parts.query, keep_blank_values=True).get("nm", [""])[0]
                elif self.headers.get_content_type() == "multipart/form-data":
                    name = multipart_field(self.headers.get("Content-Type", ""), body, "nm")
                else:
                    name = parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True).get("nm", [""])[0]
                if not name:
                    return self.answer(400, "no name")
                return self.answer(302, "", {"Location": f"{prefix}/success/{quote(name, safe='')}"})
            if path is not None and path.startswith("/success/") and len(path) > len("/success/"):
                name = unquote(path[len("/success/"):], encoding="utf-8", errors="replace")
                return self.answer(200, f"welcome {name}")
            return self.answer(404, "not found")

        do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = do_OPTIONS = route

    return Lesson


def serve(prefix: str = "", body_on_head: bool = False) -> tuple[ThreadingHTTPServer, str]:
    """Start the server on 127.0.0.1 on a port the OS picks; returns it and its base URL. ``body_on_head``:
    the wrong twin that sends its body on HEAD too."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), make_handler(prefix.rstrip("/"), body_on_head))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_port}{prefix.rstrip('/')}/"
