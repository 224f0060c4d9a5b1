"""GitHub Actions and GitHub Classroom: the workflow templates validate against the workflow schema, the
Classroom steps' points are the requirements' points, and the job summary is the score table."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import IMPLEMENTATIONS, ROOT
from flask_conformance.commands.cli import main
from flask_conformance.commands.explanation import spec_tests
from flask_conformance.data.requirements import REQUIREMENTS, checked_ids

WORKFLOWS = sorted((ROOT / "docs" / "github").glob("*.yml"))


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda path: path.name)
def test_the_workflow_validates_against_githubs_schema(workflow):
    """check-jsonschema's vendored copy of SchemaStore's github-workflow schema: no network needed."""
    command = [sys.executable, "-m", "check_jsonschema", "--builtin-schema", "vendor.github-workflows", str(workflow)]
    result = subprocess.run(command, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_classroom_steps_give_every_requirement_its_points_once():
    """Each step's -k selects spec modules; its max-score is the points of the requirements they check, and
    together the steps check every requirement a folder is graded on without the browser, once."""
    text = (ROOT / "docs" / "github" / "classroom.yml").read_text()
    steps = re.findall(
        r'command: flask-conformance check \. -m "not browser" -k "?([\w ]+?)"?\n.*?max-score: (\d+)', text, re.S
    )
    assert len(steps) == 4
    graded = [rid for rid in checked_ids("tutorial") if not REQUIREMENTS[rid].browser and not REQUIREMENTS[rid].mode]
    covered = []
    for expression, score in steps:
        modules = set(expression.split(" or "))
        ids = [rid for rid in graded if any(test.module.removesuffix(".py") in modules for test in spec_tests(rid))]
        assert int(score) == sum(REQUIREMENTS[rid].points for rid in ids), expression
        covered += ids
    assert sorted(covered) == sorted(graded)


def test_the_summary_is_the_score_the_causes_and_a_row_per_requirement(tmp_path):
    results = {
        "score": 69.0,
        "max_score": 73,
        "output": "Profile tutorial: 15 of 16 requirements met.",
        "tests": [
            {"name": "REDIRECT-STATUS: /login answers directly with 302 or 303", "score": 0, "max_score": 4,
             "status": "failed"},
            {"name": "WELCOME: GET /success/<name> | ok", "score": 5, "max_score": 5, "status": "passed"},
        ],
    }  # fmt: skip
    (tmp_path / "results.json").write_text(json.dumps(results))
    result = CliRunner().invoke(main, ["summary", str(tmp_path / "results.json")])
    assert result.exit_code == 0
    assert result.output == (
        "### flask-conformance: 69 / 73\n\nProfile tutorial: 15 of 16 requirements met.\n\n"
        "| requirement | points | result |\n|---|---|---|\n"
        "| REDIRECT-STATUS: /login answers directly with 302 or 303 | 0 / 4 | failed |\n"
        "| WELCOME: GET /success/\\<name\\> \\| ok | 5 / 5 | passed |\n"
    )


def test_a_summary_of_something_else_is_a_usage_error(tmp_path):
    (tmp_path / "other.json").write_text('{"tests": 3}')
    result = CliRunner().invoke(main, ["summary", str(tmp_path / "other.json")])
    assert result.exit_code == 2 and "is not a results.json that check --results wrote" in result.output


def commands(workflow: str) -> list[str]:
    """The workflow's flask-conformance commands, as written (the installation aside)."""
    text = (ROOT / "docs" / "github" / workflow).read_text()
    return [line.strip().removeprefix("command: ") for line in text.splitlines() if "flask-conformance check" in line]


@pytest.fixture
def repository(tmp_path):
    """A student's repository: the lesson's app with one mistake (a 307), its login.html beside it."""
    shutil.copytree(ROOT / "reference_app" / "lesson", tmp_path / "repo", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(IMPLEMENTATIONS / "wrong" / "status_307.py", tmp_path / "repo" / "app.py")
    return tmp_path / "repo"


def test_the_workflows_commands_run_as_written(repository):
    """In the repository's folder, with the kit on PATH: each Classroom step passes or fails on its own
    part of the lesson, and the push check fails and writes the summary's results."""
    environment = {**os.environ, "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}"}

    def status(command: str) -> int:
        return subprocess.run(["bash", "-c", command], cwd=repository, env=environment, capture_output=True).returncode

    assert [status(command) for command in commands("classroom.yml")] == [0, 0, 1, 0]  # the redirect's step
    (check,) = commands("flask-conformance.yml")
    assert check == 'run: flask-conformance check . --results results.json -m "not browser"'
    assert status(check.removeprefix("run: ")) == 1
    summary = subprocess.run(
        ["bash", "-c", "flask-conformance summary results.json"], cwd=repository, env=environment, capture_output=True
    )
    assert "### flask-conformance: 79 / 83" in summary.stdout.decode()
