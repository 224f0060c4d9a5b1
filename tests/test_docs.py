"""Every command on the docs pages runs: each page's ```sh blocks, in order, in a folder laid out as the
page describes (a class in submissions/, an app in the folder, one submission in submission/), with the
kit on PATH. The workflow files that docs/github.md points to run in test_github.py."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT

DOCS = ROOT / "docs"
SHELL_BLOCK = re.compile(r"^```sh\n(.*?)^```$", re.MULTILINE | re.DOTALL)
PAGES = sorted(path.name for path in DOCS.glob("*.md"))
WITHOUT_SHELL = {"github.md"}
CLASS = ("alice", "bob", "carol")  # its commands are in the workflows: test_github.py runs them as written


def test_every_use_has_a_page():
    expected = [
        "ci-check",
        "github",
        "gradescope",
        "grading-a-class",
        "job-array",
        "locking",
        "prairielearn",
        "variant",
    ]
    assert [name.removesuffix(".md") for name in PAGES] == expected


@pytest.mark.parametrize("page", sorted(set(PAGES) - WITHOUT_SHELL))
def test_the_pages_commands_run(page, tmp_path):
    blocks = SHELL_BLOCK.findall((DOCS / page).read_text())
    assert blocks, f"{page} shows no command"
    lesson = ROOT / "reference_app" / "lesson"
    ignore = shutil.ignore_patterns("__pycache__", "behaviour.lock")
    for student in CLASS:  # a small class: the pages' commands are the point, not the grades
        shutil.copytree(ROOT / "examples" / "submissions" / student, tmp_path / "submissions" / student)
    shutil.copytree(lesson, tmp_path / "submission", ignore=ignore)
    shutil.copytree(lesson, tmp_path, ignore=ignore, dirs_exist_ok=True)  # app.py, templates/login.html
    environment = {**os.environ, "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}"}
    for block in blocks:
        result = subprocess.run(
            ["bash", "-euo", "pipefail", "-c", block], cwd=tmp_path, env=environment, capture_output=True, text=True
        )
        assert result.returncode == 0, f"{page}:\n{block}\n{result.stdout[-2000:]}\n{result.stderr[-2000:]}"
