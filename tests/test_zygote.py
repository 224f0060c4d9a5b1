"""A batch's sandboxes forked warm by its zygote: graded exactly as cold ones, and nothing outlives them.

These need what the zygote needs (root, bubblewrap, cgroups); elsewhere they skip, saying so, and CI
(FLASK_CONFORMANCE_REQUIRE_ISOLATION=1) fails instead of skipping.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import time
from pathlib import Path

import pytest

from conftest import IMPLEMENTATIONS, process_stat, processes
from flask_conformance.commands.batch import run_batch
from flask_conformance.commands.grading_run import BatchOptions
from flask_conformance.data.exchange import Request
from flask_conformance.data.limits import Limits
from flask_conformance.sandbox import cgroups, zygote
from flask_conformance.sandbox.sandbox import WARM, SandboxTransport
from flask_conformance.sandbox.sandbox_command import ENVIRONMENT_SWITCH, find_bubblewrap
from flask_conformance.transports.loading import AppSpec

# What a warm start could get wrong: a working app, wrong ones, and apps that cannot load, one of them
# because a file of its own shadows a package Flask imports (which a warm process has already imported).
CLASS = {
    "lesson_templated": IMPLEMENTATIONS / "correct" / "templated",
    "blueprint": IMPLEMENTATIONS / "correct" / "blueprint",
    "imports_in_view.py": IMPLEMENTATIONS / "correct" / "imports_in_view.py",
    "get_only.py": IMPLEMENTATIONS / "wrong" / "get_only.py",
    "cuts_names.py": IMPLEMENTATIONS / "wrong" / "cuts_names.py",
    "shadows_werkzeug": IMPLEMENTATIONS / "broken" / "shadows_werkzeug",
    "shadows_logging": IMPLEMENTATIONS / "broken" / "shadows_logging",
    "named_flask": IMPLEMENTATIONS / "broken" / "named_flask",
    "syntax_error.py": IMPLEMENTATIONS / "broken" / "syntax_error.py",
    "import_exits.py": IMPLEMENTATIONS / "broken" / "import_exits.py",
    # how the app's process ended, which a warm start learns from its bridge
    "import_os_exit.py": IMPLEMENTATIONS / "broken" / "import_os_exit.py",
    "import_eats_memory.py": IMPLEMENTATIONS / "broken" / "import_eats_memory.py",
}
OPTIONS = dict(jobs=2, timeout=90, request_timeout=3, startup_timeout=5)


@pytest.fixture(autouse=True)
def zygote_possible() -> None:
    missing = ""
    if os.getuid() != 0 or find_bubblewrap() is None or cgroups.available() is None:
        missing = "a zygote needs root, bubblewrap and cgroups"
    if missing and os.environ.get("FLASK_CONFORMANCE_REQUIRE_ISOLATION") == "1":
        pytest.fail(missing)
    if missing:
        pytest.skip(missing)


def _graded(folder: Path, out: Path) -> dict[str, dict[str, object]]:
    """Each submission's results.json, without what differs from run to run (its time, its uid)."""
    run_batch(folder, out, BatchOptions(**OPTIONS))  # type: ignore[arg-type]
    graded = {}
    for name in os.listdir(out):
        path = out / name / "results.json"
        if path.is_file():
            results = json.loads(path.read_text())
            results.pop("execution_time")
            graded[name] = results
    return graded


def test_a_batch_graded_warm_grades_exactly_as_a_cold_one(tmp_path, monkeypatch):
    """Seen failing without forgetting the warm imports a submission shadows: shadows_werkzeug got 83/83
    warm (Flask was already imported) and a load error cold."""
    folder = tmp_path / "class"
    folder.mkdir()
    for name, source in CLASS.items():
        (shutil.copytree if source.is_dir() else shutil.copy)(source, folder / name)
    warm = _graded(folder, tmp_path / "warm")
    monkeypatch.setenv(ENVIRONMENT_SWITCH, zygote.COLD)
    cold = _graded(folder, tmp_path / "cold")
    assert sorted(warm) == sorted(cold) == sorted(name.removesuffix(".py") for name in CLASS)
    for name in warm:
        warm_isolation = warm[name]["extra_data"].pop("isolation", "")  # type: ignore[union-attr]
        cold_isolation = cold[name]["extra_data"].pop("isolation", "")  # type: ignore[union-attr]
        assert warm[name] == cold[name], name
        if warm[name]["score"]:  # loaded: its sandbox says how it started
            assert warm_isolation.endswith(WARM) and not cold_isolation.endswith(WARM), name
    assert warm["shadows_werkzeug"]["score"] == 0
    assert warm["lesson_templated"]["score"] == warm["lesson_templated"]["max_score"]


def _zygote_processes(creator: int) -> list[int]:
    """The zygote a process started, and the bridges it forked: their command line names its folder."""
    found = []
    for entry in processes():
        try:
            command = (entry / "cmdline").read_bytes()
            state = process_stat(entry)[0]
        except OSError:
            continue
        if b"zygote_child" in command and f"{cgroups.PREFIX}{creator}-zygote-".encode() in command and state != "Z":
            found.append(int(entry.name))
    return found


def test_nothing_of_the_zygote_outlives_its_batch(tmp_path):
    folder = tmp_path / "class"
    folder.mkdir()
    shutil.copytree(CLASS["lesson_templated"], folder / "lesson_templated")
    seen_during: list[int] = []

    def progress(done: int, total: int, record: object) -> None:
        seen_during.extend(_zygote_processes(os.getpid()))

    run_batch(folder, tmp_path / "out", BatchOptions(**OPTIONS), progress=progress)  # type: ignore[arg-type]
    assert seen_during  # the batch had one
    deadline = time.monotonic() + 5
    while _zygote_processes(os.getpid()) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _zygote_processes(os.getpid()) == []
    assert list(Path(os.environ.get("TMPDIR", "/tmp")).glob(f"{cgroups.PREFIX}{os.getpid()}-zygote-*")) == []


@pytest.mark.parametrize("stop_with", [signal.SIGKILL, signal.SIGSTOP], ids=["dead", "stalled"])
def test_a_dead_or_stalled_zygote_leaves_its_sandboxes_to_start_cold(stop_with):
    """The grader never depends on the zygote: killed, or stopped (wedged), it costs the next sandbox one
    startup wait at most, and the sandbox starts cold and answers."""
    zygote.start()
    running = zygote.running()
    assert running is not None
    try:
        os.kill(running.process.pid, stop_with)
        sandbox = SandboxTransport(AppSpec(path=CLASS["lesson_templated"]), Limits(startup_timeout=2))
        started = time.monotonic()
        try:
            sandbox.start()
            response = sandbox.handle_request(Request("GET", "/success/alice"))
        finally:
            sandbox.close()
        seconds = time.monotonic() - started
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.kill(running.process.pid, signal.SIGCONT)
        zygote.stop()
    assert response.status == 200 and b"alice" in response.body
    assert not sandbox.isolation.endswith(WARM)
    assert seconds < 2 + 3  # the wait for the zygote, then a cold start


def test_a_restart_says_how_it_started_and_how_the_app_died():
    """An app that kills its own process is restarted for the next request: warm while the zygote
    serves, cold once it is gone, each start told as it was made; its exit status comes from its bridge."""
    zygote.start()
    running = zygote.running()
    assert running is not None
    sandbox = SandboxTransport(AppSpec(path=IMPLEMENTATIONS / "hostile" / "exits_in_request.py"), Limits())
    try:
        sandbox.start()
        first = sandbox.isolation
        died = sandbox.handle_request(Request("GET", "/success/alice"))
        zygote.stop()
        assert sandbox.handle_request(Request("GET", "/login", query="nm=alice")).status == 302  # a cold restart
        second = sandbox.isolation
    finally:
        sandbox.close()
    assert first.endswith(WARM) and second == first.removesuffix(WARM)
    assert died.status == 0 and died.error == "the app's process died (exit status 3) while answering"
