"""Everything the grader reads from a submission is bounded before it is read, and stays data."""

from __future__ import annotations

import json
import os
import socket
import struct
import threading
import time

import pytest

from conftest import ROOT, nested_folders
from flask_conformance.data.exchange import Request, Response, browser_encoding
from flask_conformance.data.tree_removal import remove_tree
from flask_conformance.grading.feedback import fenced, inline
from flask_conformance.reading import submission_copy
from flask_conformance.reading.form_page import MAX_PAGE, read_page
from flask_conformance.reading.submission_copy import MAX_BYTES, MAX_FILES, MAX_SKIPPED, copy_submission
from flask_conformance.sandbox.sandbox import SandboxTransport
from flask_conformance.transports.loading import AppSpec
from flask_conformance.transports.sandbox_protocol import (
    MAX_DEPTH,
    ProtocolError,
    decode_response,
    nesting_depth,
    receive_frame,
)
from flask_conformance.transports.transport import DeadlineTransport, HttpTransport, WsgiTransport


def _frame(data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + data


@pytest.fixture
def pair():
    grader, child = socket.socketpair()
    yield grader, child
    grader.close()
    child.close()


def test_a_dripped_frame_is_cut_off_at_its_deadline(pair):
    grader, child = pair
    data = _frame(b'{"status": 200, "headers": [], "body": "", "error": ""}')

    def drip():
        for byte in data:
            try:
                child.send(bytes([byte]))
            except OSError:
                return
            time.sleep(0.05)

    threading.Thread(target=drip, daemon=True).start()
    started = time.monotonic()
    with pytest.raises(TimeoutError):
        receive_frame(grader, timeout=0.5)
    assert time.monotonic() - started < 1.0


def test_a_deeply_nested_frame_is_refused_before_parsing(pair):
    grader, child = pair
    bomb = _frame(b"[" * 200_000 + b"]" * 200_000)
    threading.Thread(target=child.sendall, args=(bomb,), daemon=True).start()
    with pytest.raises(ProtocolError, match="nested"):
        receive_frame(grader, timeout=5)


def test_nesting_depth_ignores_brackets_inside_strings():
    assert nesting_depth(b'{"headers": [["Location", "[[[[[[[[{{{{"]]]}') == 3
    assert nesting_depth(b'{"a": "\\"[[[[[[", "b": []}') == 2
    assert nesting_depth(b"[" * 100) == MAX_DEPTH + 1


def test_header_text_from_the_child_is_made_valid():
    response = decode_response(
        {
            "status": 302,
            "headers": [["Location", "/success/x\ud800\r\n# All checks passed\x00"]],
            "body": "",
            "error": "line\nbreak\ud800",
        }
    )
    assert response.header("Location") == "/success/x\ufffd\ufffd\ufffd# All checks passed\ufffd"
    assert response.error == "line break "


@pytest.mark.parametrize("label", ["punycode", "utf8mb4", "idna", "utf-7", "rot13", "unicode_escape", "x" * 5000])
def test_exotic_or_unknown_charsets_are_read_as_utf8(label):
    assert browser_encoding(label) == "utf-8"
    body = "welcome Zoë".encode() + b"a" * (1 << 20)
    response = Response(200, (("Content-Type", f"text/html; charset={label}"),), body)
    started = time.monotonic()
    assert response.text.startswith("welcome Zoë")
    assert time.monotonic() - started < 0.5


@pytest.mark.parametrize(("label", "codec"), [("latin-1", "iso8859-1"), ("Shift_JIS", "shift_jis"), ("UTF-8", "utf-8")])
def test_browser_charsets_are_used(label, codec):
    assert browser_encoding(label) == codec


def test_a_dripping_live_server_is_cut_off_at_the_deadline():
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()

    def serve():
        connection, _ = server.accept()
        connection.recv(1000)
        for byte in b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n" + b"x" * 100:
            try:
                connection.send(bytes([byte]))
            except OSError:
                break
            time.sleep(0.05)
        connection.close()

    threading.Thread(target=serve, daemon=True).start()
    started = time.monotonic()
    response = HttpTransport(f"http://127.0.0.1:{server.getsockname()[1]}", timeout=0.5).handle_request(
        Request("GET", "/")
    )
    server.close()
    assert response.status == 0 and "within 0.5 s" in response.error
    assert time.monotonic() - started < 1.5


def test_a_run_past_its_time_limit_fails_the_checks_left():
    def app(environ, start_response):
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"welcome"]

    transport = DeadlineTransport(WsgiTransport(app), 0.2)
    assert transport.handle_request(Request("GET", "/")).status == 200
    time.sleep(0.3)
    late = transport.handle_request(Request("GET", "/"))
    assert late.status == 0 and "0.2 s" in late.error and "ran out" in late.error


def test_login_html_is_read_bounded_never_through_a_link_or_fifo(tmp_path):
    big = tmp_path / "big.html"
    big.write_bytes(b"a" * (MAX_PAGE + 10))
    assert len(read_page(big)) == MAX_PAGE
    link = tmp_path / "login.html"
    link.symlink_to("/dev/zero")
    assert read_page(link) == b""
    fifo = tmp_path / "fifo.html"
    os.mkfifo(fifo)
    assert read_page(fifo) == b""


def test_the_copy_is_bounded_and_follows_no_link_out(tmp_path):
    source = tmp_path / "submission"
    (source / "templates").mkdir(parents=True)
    (source / "app.py").write_text("print('hi')")
    (source / "templates" / "page.html").write_text("inside")
    (source / "login.html").symlink_to("templates/page.html")
    (source / "secret").symlink_to("/etc/passwd")
    (source / "zero").symlink_to("/dev/zero")
    (source / "loop").symlink_to("loop")
    os.mkfifo(source / "pipe")
    (source / "zz_huge.bin").write_bytes(b"x" * (MAX_BYTES + 1))
    destination = tmp_path / "copy"
    report = copy_submission(source, destination)
    assert sorted(path.name for path in destination.iterdir()) == ["app.py", "login.html", "templates", "zz_huge.bin"]
    assert (destination / "login.html").read_text() == "inside" and not (destination / "login.html").is_symlink()
    assert report.bytes <= MAX_BYTES
    skipped = " | ".join(report.skipped)
    for name in ("secret", "zero", "loop", "pipe", "zz_huge.bin"):
        assert name in skipped


def test_the_copy_is_bounded_in_depth_and_in_folders(tmp_path, request):
    """Seen failing before: a tree 950 folders deep raised RecursionError out of the grader (every check of
    the submission a traceback), and 100,000 empty folders were all made again in the copy. A file 32 folders
    down is still copied; empty folders take what the files left of the budget, the shallower first."""
    source = tmp_path / "submission"
    deepest = submission_copy.MAX_DEPTH
    nested_folders(source, deepest + 1000)
    request.addfinalizer(lambda: remove_tree(source))
    (source / "app.py").write_text("print('hi')")
    chain = ["a" * 20] * deepest
    source.joinpath(*chain, "deep.py").write_text("x = 1")
    for number in range(MAX_FILES + 500):
        (source / "wide" / f"{number:05d}").mkdir(parents=True)
    destination = tmp_path / "copy"
    report = copy_submission(source, destination)
    assert (destination / "app.py").exists()
    assert destination.joinpath(*chain, "deep.py").read_text() == "x = 1"
    made = sum(1 for _ in destination.rglob("*"))
    assert made == report.files == MAX_FILES
    assert max(len(path.relative_to(destination).parts) for path in destination.rglob("*") if path.is_dir()) == deepest
    assert "/".join(["a" * 20] * (deepest + 1)) + f"/ (more than {deepest} folders deep)" in report.skipped
    assert len(report.skipped) == MAX_SKIPPED
    assert report.skipped[-1].endswith(f"(more than {MAX_FILES} files and folders)")


def test_a_committed_environment_or_a_crowded_folder_never_crowds_out_the_app(tmp_path):
    """Seen failing: a committed virtual environment named env/ (3000 files) took the whole budget before
    main.py and templates/, which sort after it, and a correct app scored as if it had handed in nothing.
    A virtual environment is left out whole, whatever its name; other crowded folders (data/ with 3000 JSON
    files, assets/ with 3000 images) come after the app's code and pages."""
    source = tmp_path / "submission"
    site = source / "env" / "lib" / "python3.11" / "site-packages"
    site.mkdir(parents=True)
    (source / "env" / "pyvenv.cfg").write_text("home = /usr/bin\n")
    (source / "assets").mkdir()
    (source / "data").mkdir()
    for number in range(3000):
        (site / f"m{number}.py").write_text("x = 1\n")
        (source / "assets" / f"{number:04d}.png").write_bytes(b"png")
        (source / "data" / f"{number:04d}.json").write_text("{}")
    (source / "templates").mkdir()
    (source / "templates" / "login.html").write_text("<form></form>")
    (source / "main.py").write_text("app = None\n")
    destination = tmp_path / "copy"
    report = copy_submission(source, destination)
    assert (destination / "main.py").read_text() == "app = None\n"
    assert (destination / "templates" / "login.html").read_text() == "<form></form>"
    assert not (destination / "env").exists()
    assert report.skipped[0] == "env/ (a virtual environment: the sandbox brings its own Flask)"
    assert report.files == MAX_FILES  # the rest of the budget went to data/, settings and data before images
    assert report.skipped[1] == f"data/{MAX_FILES - 4:04d}.json (more than {MAX_FILES} files and folders)"
    assert not (destination / "assets").exists()


def test_feedback_text_cannot_leave_its_fence_or_start_markup():
    evil = "x\n```\n# All checks passed\n<script>alert(1)</script>\n````"
    block = fenced(evil)
    assert block[0] == block[-1] == "`````"
    assert "\n".join(block).count("`````") == 2
    assert inline(evil) == "x \\`\\`\\` \\# All checks passed \\<script\\>alert\\(1\\)\\</script\\> \\`\\`\\`\\`"


def test_results_survive_a_lone_surrogate(tmp_path):
    from flask_conformance.data.atomic_file import write_atomically

    write_atomically(tmp_path / "results.json", json.dumps({"output": "x\ud800"}, ensure_ascii=False))
    assert json.loads((tmp_path / "results.json").read_text())["output"] == "x\ud800"


def test_a_large_request_reaches_a_sandboxed_app():
    """The child reads its frames with the same depth check: a regular expression over whole strings ran
    out of memory under the child's limit on a 3 MB body (the app 'died'); the token scan does not."""
    sandbox = SandboxTransport(AppSpec(path=ROOT / "reference_app" / "lesson" / "app.py"))
    try:
        sandbox.start()
        # As a late answer leaves it: the last read's deadline nearly spent. The send must not inherit it.
        sandbox._sock.settimeout(1e-6)  # type: ignore[union-attr]
        body = b"nm=" + b"a" * (3 << 20)
        headers = (("Content-Type", "application/x-www-form-urlencoded"),)
        response = sandbox.handle_request(Request("POST", "/login", "", headers, body))
    finally:
        sandbox.close()
    assert response.status == 302, response


def test_printable_keeps_text_and_shows_controls_as_replacement_characters():
    from flask_conformance.data.curl import printable

    shown = printable("Zoë 日本\ttab\nline \x1b[2J \x07 \x9b31m \x00 \x7f \ud800 end")
    assert shown == "Zoë 日本\ttab\nline \ufffd[2J \ufffd \ufffd31m \ufffd \ufffd \ufffd end"


def test_the_live_server_passes_on_no_request_body_over_the_bound():
    """A script of a login.html can post a body of any size to the live server, which ran in the grader's
    own process, outside every limit: seen failing, a 2 MiB body was read whole and passed on."""
    import http.client

    from flask_conformance.targets.live_server import LiveServer
    from flask_conformance.transports.transport import MAX_BODY

    sizes = []

    def app(environ, start_response):
        sizes.append(len(environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))))
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"ok"]

    server = LiveServer(WsgiTransport(app)).start()

    def post(size: int) -> int:
        connection = http.client.HTTPConnection("127.0.0.1", server.server.server_port, timeout=10)
        connection.request("POST", "/login", body=b"x" * size)
        status = connection.getresponse().status
        connection.close()
        return status

    try:
        statuses = [post(MAX_BODY), post(MAX_BODY + 1), post(2 * MAX_BODY)]
    finally:
        server.stop()
    assert statuses == [200, 413, 413]
    assert sizes == [MAX_BODY]
