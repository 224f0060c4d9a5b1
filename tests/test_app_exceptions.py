"""A server error or a load error shows the exception the student's own code raised, with the frames in the
student's files (relative path, line, the line itself) and none of a library's, sandboxed or in-process."""

from __future__ import annotations

import base64
import re
import shutil

import pytest
from click.testing import CliRunner

from conftest import IMPLEMENTATIONS, run_spec
from flask_conformance.commands.cli import main
from flask_conformance.transports.raised import MAX_FRAMES, MAX_TEXT
from flask_conformance.transports.sandbox_protocol import ProtocolError, decode_response

RAISING = IMPLEMENTATIONS / "raising"
# implementation -> the exception its views raise on the lesson's requests
IN_A_VIEW = {
    "build_error.py": "BuildError: Could not build url for endpoint 'welcome' with values ['name'].",
    "missing_import.py": "NameError: name 'request' is not defined",
    "request_arg.py": "AttributeError: 'Request' object has no attribute 'arg'",
    "missing_else.py": "TypeError: The view function for 'login' did not return a valid response.",
    "template_not_found.py": "TemplateNotFound: welcome.html",
}
FRAME = re.compile(r"^ {6}(\S+), line \d+: .*$", re.MULTILINE)


def marked_frames(name: str) -> set[str]:
    """The frames a student should be shown: the lines marked ``# raises here`` in the implementation."""
    lines = (RAISING / name).read_text().splitlines()
    return {
        f"      {name}, line {number}: {line.strip()}" for number, line in enumerate(lines, 1) if "# raises" in line
    }


# Every exception in-process (the runs test_mistakes.py makes too); two of them through the sandbox, whose
# child sends the same as data.
CASES = [(name, "in-process") for name in sorted(IN_A_VIEW)] + [
    ("missing_import.py", "sandboxed"),
    ("template_not_found.py", "sandboxed"),
]


@pytest.mark.parametrize(("name", "where"), CASES)
def test_a_server_error_shows_the_students_exception_and_lines(pytester, name, where):
    if where == "in-process":
        run = run_spec(pytester, "--target", str(RAISING / name), "--in-process", "--conformance-profile", "tutorial")
    else:
        run = run_spec(pytester, "--target", str(RAISING / name), "-m", "not browser")
    assert run.ret == 1
    assert f"    Your app raised {IN_A_VIEW[name]}" in run.output
    assert {match.group(0) for match in FRAME.finditer(run.output)} == marked_frames(name)


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("input_at_import.py", "waits for someone to type an answer to input(), and the grader cannot type"),
        ("../broken/import_raises.py", "raised KeyError: 'SECRET_KEY'. Fix that line"),
    ],
)
def test_a_load_error_shows_the_students_exception_and_lines(pytester, name, words):
    run = run_spec(pytester, "--target", str(RAISING / name))
    source = (RAISING / name).read_text().splitlines()
    number, line = next((n, text) for n, text in enumerate(source, 1) if "raises here" in text or "= settings[" in text)
    assert words in run.output
    assert f"    {(RAISING / name).name}, line {number}: {line.strip()}" in run.output
    assert "importlib" not in run.output.split(words, 1)[1]


def test_feedback_shows_the_exception_and_grades_csv_one_line(tmp_path):
    folder = tmp_path / "class"
    folder.mkdir()
    shutil.copy(RAISING / "missing_import.py", folder / "ann.py")
    shutil.copy(RAISING / "input_at_import.py", folder / "ben.py")
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["grade", str(folder), "--out", str(out), "--request-timeout", "2"])
    assert result.exit_code == 0, result.output
    ann = (out / "ann" / "feedback.md").read_text()
    assert "Your app raised NameError: name 'request' is not defined" in ann
    assert "ann.py, line 11: if request.method == 'POST':  # raises here" in ann
    ben = (out / "ben" / "feedback.md").read_text()
    assert "ben.py, line 4: GREETING = input('greeting? ')  # raises here" in ben
    rows = (out / "grades.csv").read_text().splitlines()
    assert len(rows) == 3
    assert any("load-error: importing ben.py waits for someone to type" in row for row in rows)


def _frame(raised: object) -> dict[str, object]:
    return {"status": 500, "headers": [], "body": base64.b64encode(b"").decode(), "error": "", "raised": raised}


def test_what_a_child_says_it_raised_is_bounded_data():
    raised = {
        "kind": "Evil\nError",
        "message": "x" * 10_000 + "\r\n# All checks passed",
        "frames": [["app.py\n## Score: 90/90", 7, "return 1\x00"]] * 100,
    }
    response = decode_response(_frame(raised))
    assert response.raised is not None
    assert response.raised.kind == "Evil Error"
    assert len(response.raised.message) == MAX_TEXT and "\n" not in response.raised.message
    assert len(response.raised.frames) == MAX_FRAMES
    assert response.raised.frames[0] == ("app.py ## Score: 90/90", 7, "return 1 ")


@pytest.mark.parametrize(
    "raised",
    [
        "NameError",
        {"kind": "E", "message": "", "frames": "app.py"},
        {"kind": "E", "message": "", "frames": [["app.py", "7", "x"]]},
        {"kind": "E", "message": "", "frames": [["app.py", 7]]},
    ],
)
def test_a_raised_of_the_wrong_shape_is_a_protocol_error(raised):
    with pytest.raises(ProtocolError):
        decode_response(_frame(raised))


def test_an_import_error_in_a_view_names_no_place_of_the_graders_libraries():
    """The load errors left out where the grader installed Flask; an import inside a view, raised at request
    time, named it (``…/site-packages/flask/__init__.py``) in the student's failure."""
    from flask import Flask

    from flask_conformance.data.exchange import Request
    from flask_conformance.transports.transport import WsgiTransport

    app = Flask(__name__)

    @app.route("/success/<name>")
    def success(name):
        from flask import escape  # noqa: F401 - gone from Flask, as older tutorials do not know

        return name

    response = WsgiTransport(app).handle_request(Request("GET", "/success/alice"))
    assert response.status == 500 and response.raised is not None
    assert response.raised.message == "cannot import name 'escape' from 'flask'"
