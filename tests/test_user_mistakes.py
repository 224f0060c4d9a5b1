"""An instructor's or maintainer's mistake gets one clear message and a usage-error status, never a
student's failed grade (README, "Exit statuses")."""

from __future__ import annotations

import os
import shutil
import socket
import stat

import pytest
from click.testing import CliRunner

from conftest import IMPLEMENTATIONS, ROOT, SPEC
from flask_conformance.commands.cli import main

PYTEST_USAGE_ERROR = 4
CLICK_USAGE_ERROR = 2


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--target", "no/such/app.py"], "no such file or folder"),
        (["--target", "ftp://example.org/app"], "a live target is an http:// or https:// URL"),
        (["--target", "nosuchmod.app:app"], "no module 'nosuchmod'"),
        (["--against", "nosuch.py"], "--against: cannot find the target 'nosuch.py'"),
        (["--update-lock"], "--update-lock rewrites the lock file that --lock names"),
    ],
)
def test_a_spec_run_that_names_nothing_is_a_usage_error(pytester, arguments, message):
    result = pytester.runpytest_inprocess(str(SPEC), "-p", "no:cacheprovider", *arguments)
    assert result.ret == PYTEST_USAGE_ERROR
    assert message in "\n".join(result.errlines + result.outlines)


def test_check_names_nothing(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["check", "nosuch.py", "-q"])
    assert result.exit_code == PYTEST_USAGE_ERROR


def test_lock_where_nothing_listens(tmp_path):
    with socket.socket() as probe:  # a port the OS gave and took back: nothing listens there
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    result = CliRunner().invoke(main, ["lock", f"http://127.0.0.1:{port}/", "--out", str(tmp_path / "x.lock")])
    assert result.exit_code == CLICK_USAGE_ERROR and "nothing answers at" in result.output
    assert not (tmp_path / "x.lock").exists()


@pytest.mark.parametrize("target", ["no/such/app.py", "ftp://example.org/"])
def test_serve_and_lock_name_nothing(tmp_path, target):
    for command in (["serve", target], ["lock", target, "--out", str(tmp_path / "x.lock")]):
        result = CliRunner().invoke(main, command)
        assert result.exit_code == CLICK_USAGE_ERROR, result.output


def test_grade_one_students_folder_says_how_to_grade_it(tmp_path):
    alice = ROOT / "examples" / "submissions" / "alice"
    result = CliRunner().invoke(main, ["grade", str(alice), "--out", str(tmp_path)])
    assert result.exit_code == CLICK_USAGE_ERROR
    assert "looks like one submission" in result.output and "flask-conformance check" in result.output


def test_grade_an_empty_class(tmp_path):
    (tmp_path / "class").mkdir()
    (tmp_path / "class" / "README.md").write_text("nothing here")
    result = CliRunner().invoke(main, ["grade", str(tmp_path / "class"), "--out", str(tmp_path / "out")])
    assert result.exit_code == CLICK_USAGE_ERROR and "holds no submission" in result.output


def test_grade_ignores_dot_folders_macosx_and_its_own_output_and_says_so(tmp_path):
    folder = tmp_path / "class"
    folder.mkdir()
    shutil.copy(IMPLEMENTATIONS / "broken" / "syntax_error.py", folder / "ben.py")  # graded at once
    for ignored in (".git", "__MACOSX", "__pycache__"):
        (folder / ignored).mkdir()
        (folder / ignored / "app.py").write_text("from flask import Flask\napp = Flask(__name__)\n")
    out = folder / "grades"
    arguments = ["grade", str(folder), "--out", str(out), "--request-timeout", "1"]
    assert CliRunner().invoke(main, arguments).exit_code == 0
    again = CliRunner().invoke(main, arguments)  # now grades/ exists inside the class folder
    assert again.exit_code == 0, again.output
    assert "ignored in" in again.output and ".git" in again.output and "__MACOSX" in again.output
    assert "grades (the output folder)" in again.output
    names = [line.split(",")[0] for line in (out / "grades.csv").read_text().splitlines()[1:]]
    assert names == ["ben"]


@pytest.mark.parametrize(("umask", "mode"), [(0o022, 0o644), (0o077, 0o600), (0o002, 0o664)])
def test_output_files_follow_the_umask(tmp_path, umask, mode):
    folder = tmp_path / "class"
    folder.mkdir()
    shutil.copy(IMPLEMENTATIONS / "broken" / "syntax_error.py", folder / "ben.py")  # every output, at once
    previous = os.umask(umask)
    try:
        result = CliRunner().invoke(main, ["grade", str(folder), "--out", str(tmp_path / "out")])
    finally:
        os.umask(previous)
    assert result.exit_code == 0, result.output
    for written in ("grades.csv", "report.html", "ben/results.json", "ben/feedback.md", "ben/record.json"):
        assert stat.S_IMODE((tmp_path / "out" / written).stat().st_mode) == mode, written
