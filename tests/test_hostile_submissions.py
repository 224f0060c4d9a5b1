"""Whatever a submission does, it gets the grade its behaviour earns, and the grader finishes."""

from __future__ import annotations

import contextlib
import json
import shutil
import time
from pathlib import Path

import pytest

from conftest import IMPLEMENTATIONS, ROOT
from flask_conformance.commands.batch import run_batch
from flask_conformance.commands.grading_run import BatchOptions

HOSTILE = IMPLEMENTATIONS / "hostile"
BROKEN = IMPLEMENTATIONS / "broken"
TWINS = {  # a hostile submission -> an honest one that behaves the same over HTTP
    "forger": ROOT / "reference_app" / "lesson" / "app.py",
    "prints_rubbish": ROOT / "reference_app" / "lesson" / "app.py",
    "forks": ROOT / "reference_app" / "lesson" / "app.py",
    "patches_modules": IMPLEMENTATIONS / "wrong" / "get_only.py",
    "eats_memory_in_request": HOSTILE / "welcome_broken.py",
}
# A page that never answers, or kills its process, cannot answer HEAD either, where a 500 page can.
BROKEN_WELCOME_WITHOUT_ANSWER = ("hangs_in_request", "exits_in_request", "status_out_of_range")
UNLOADABLE = ("import_os_exit", "import_hangs", "import_eats_memory", "import_exits")


def failed_requirements(out: Path, name: str) -> set[str]:
    results = json.loads((out / name / "results.json").read_text())
    return {test["tags"][0] for test in results["tests"] if test["status"] == "failed"}


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """Grade the hostile submissions, their honest twins and the unloadable ones in one batch."""
    folder = tmp_path_factory.mktemp("class")
    for path in HOSTILE.glob("*.py"):
        shutil.copy(path, folder / path.name)
    for name, twin in TWINS.items():
        shutil.copy(twin, folder / f"twin_of_{name}.py")
    for name in UNLOADABLE:
        shutil.copy(BROKEN / f"{name}.py", folder / f"{name}.py")
    canary = tmp_path_factory.mktemp("canary") / "results.json"
    canary.write_text('{"score": 1}')
    out = tmp_path_factory.mktemp("out")
    # 3 s: filling the memory limit with zeroes takes a second or more on a busy machine.
    options = BatchOptions(jobs=2, timeout=60, request_timeout=3, startup_timeout=3)
    started = time.monotonic()
    records = {record.name: record for record in run_batch(folder, out, options)}
    return out, records, time.monotonic() - started, canary


@pytest.mark.parametrize("name", sorted(TWINS))
def test_grade_equals_honest_twin(graded, name):
    out, records, _, _ = graded
    assert records[name].status == "graded"
    assert failed_requirements(out, name) == failed_requirements(out, f"twin_of_{name}")
    assert records[name].score == records[f"twin_of_{name}"].score


@pytest.mark.parametrize("name", BROKEN_WELCOME_WITHOUT_ANSWER)
def test_page_without_answer(graded, name):
    out, _records, _, _ = graded
    expected = failed_requirements(out, "twin_of_eats_memory_in_request") | {"HEAD-SUCCESS"}
    assert failed_requirements(out, name) == expected


@pytest.mark.parametrize("name", UNLOADABLE)
def test_unloadable_gets_zero_with_reason(graded, name):
    out, records, _, _ = graded
    assert records[name].score == 0
    assert records[name].status.startswith("load-error: ")
    assert (out / name / "feedback.md").read_text().startswith(f"# Feedback for {name}")


def test_grader_finishes_in_bounded_time_with_a_row_each(graded):
    out, records, seconds, _ = graded
    rows = (out / "grades.csv").read_text().splitlines()
    assert len(rows) == 1 + len(records)
    assert seconds < 60


def test_forged_files_are_untouched(graded):
    out, records, _, canary = graded
    assert canary.read_text() == '{"score": 1}'
    assert json.loads((out / "forger" / "results.json").read_text())["score"] == records["forger"].score


def test_forked_processes_are_gone(graded):
    names = []
    for comm in Path("/proc").glob("[0-9]*/comm"):
        with contextlib.suppress(OSError):
            names.append(comm.read_text().strip())
    assert "hostile-fork" not in names
