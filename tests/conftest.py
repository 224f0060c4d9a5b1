"""Helpers for the kit's own tests: run the spec in an inner pytest against one implementation."""

from __future__ import annotations

import dataclasses
import fcntl
import hashlib
import json
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import pytest

# Imported here, before any inner run: a module first imported inside pytester's run is dropped after it.
from flask_conformance.commands.grading_run import for_students
from flask_conformance.grading.feedback import feedback_markdown
from flask_conformance.pytest_plugin.plugin import COLLECTOR

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "spec_tests"
IMPLEMENTATIONS = ROOT / "tests" / "implementations"


@dataclass(frozen=True)
class SpecRun:
    ret: int
    failed: frozenset[str]
    passed: frozenset[str]
    skipped: frozenset[str]
    output: str
    failed_requirements: frozenset[str]  # as results.json grades them: a requirement fails once for all its tests
    failures: tuple[tuple[str, str], ...] = ()  # results.json's failed checks: (requirement ID, output)
    feedback: str = ""  # feedback.md as a batch writes it for the student, named after the target's file
    folder: str = ""  # the run's own folder: its results.json, and its screenshots unless told otherwise

    def failed_functions(self) -> set[str]:
        return {function_name(node) for node in self.failed}

    def to_json(self) -> str:
        fields = dataclasses.asdict(self)
        return json.dumps(
            {key: sorted(value) if isinstance(value, frozenset) else value for key, value in fields.items()}
        )

    @classmethod
    def from_json(cls, text: str) -> SpecRun:
        fields = json.loads(text)
        sets = {key: frozenset(fields[key]) for key in ("failed", "passed", "skipped", "failed_requirements")}
        failures = tuple((requirement, output) for requirement, output in fields["failures"])
        return cls(
            fields["ret"],
            output=fields["output"],
            failures=failures,
            feedback=fields["feedback"],
            folder=fields["folder"],
            **sets,
        )


def function_name(node: str) -> str:
    """``spec_tests/test_x.py::test_y[param]`` -> ``test_y``."""
    return node.split("::")[-1].split("[")[0]


_RUNS: dict[tuple[str, ...], SpecRun] = {}


def run_spec(pytester: pytest.Pytester, *arguments: str) -> SpecRun:
    """Run ``spec_tests`` in an inner pytest; runs with the same arguments are shared by the session.

    Under pytest-xdist the workers share them too, through files in the run's common temporary folder: the
    first worker to need a run makes it while holding its lock, and the others wait for it and read it.
    """
    if arguments not in _RUNS:
        shared = _shared_runs_folder(pytester)
        key = hashlib.sha256(json.dumps(arguments).encode()).hexdigest()[:24]
        with (shared / f"{key}.lock").open("w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            saved = shared / f"{key}.json"
            if saved.exists():
                _RUNS[arguments] = SpecRun.from_json(saved.read_text())
            else:
                _RUNS[arguments] = _run_spec_now(pytester, arguments, shared / key)
                saved.write_text(_RUNS[arguments].to_json())
    return _RUNS[arguments]


def _shared_runs_folder(pytester: pytest.Pytester) -> Path:
    """``spec-runs`` in the session's base temporary folder (a worker's is inside the run's common one)."""
    base = pytester.path.parent  # pytester's folder is made in the base temporary folder
    folder = (base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base) / "spec-runs"
    folder.mkdir(exist_ok=True)
    return folder


class _FeedbackCatcher:
    """Keeps the feedback.md a batch would write from the grade the run's results collector computed."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.feedback = ""

    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        collector = session.config.pluginmanager.get_plugin(COLLECTOR)
        if collector is not None:
            self.feedback = feedback_markdown(self.name, for_students(collector.result()))


def _run_spec_now(pytester: pytest.Pytester, arguments: tuple[str, ...], folder: Path) -> SpecRun:
    folder.mkdir()
    results = folder / "results.json"
    target = arguments[arguments.index("--target") + 1] if "--target" in arguments else "reference"
    catcher = _FeedbackCatcher(Path(target.split(":")[0]).stem)
    result = pytester.runpytest_inprocess(
        str(SPEC),
        "-p",
        "no:cacheprovider",
        "-p",
        "no:randomly",
        "--results",
        str(results),
        *arguments,
        plugins=[catcher],
    )
    reports = result.reprec.getreports("pytest_runtest_logreport")  # type: ignore[attr-defined]

    def outcome(name: str) -> frozenset[str]:
        return frozenset(report.nodeid.split("spec_tests/")[-1] for report in reports if getattr(report, name))

    failed = [
        test
        for test in (json.loads(results.read_text())["tests"] if results.exists() else ())
        if test["status"] == "failed"
    ]
    return SpecRun(
        int(result.ret),
        outcome("failed"),
        outcome("passed"),
        outcome("skipped"),
        "\n".join(result.outlines + result.errlines),
        frozenset(test["tags"][0] for test in failed),
        tuple((test["tags"][0], test["output"]) for test in failed),
        catcher.feedback,
        str(folder),
    )


# How pytest-xdist deals the suite out: every test on its own, as --dist load does, except two kinds of
# module. The modules that kill grading processes or count what every grade on the machine leaves behind
# run on one worker, one after another; a module whose fixture builds something for all its tests (a class
# graded once, a wheel built once) runs whole on one worker, so that it is built once. (xdist's own
# loadgroup does not group on pytest 9.2: pytest-dev/pytest-xdist#1386.)
MACHINE_WIDE = ("tests/test_hostile_class.py", "tests/test_killed_graders.py")
WHOLE_MODULES = ("tests/test_hostile_submissions.py", "tests/test_installed_wheel.py")


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_auto_num_workers(config: pytest.Config) -> int:
    """``-n auto``: two workers more than cores. The suite keeps both cores of a 2-core machine busy, but
    its tests wait on time limits and on processes they start (sandboxes, graders, Chromium, pip): with
    two workers more it ran in 5:10, with one more in 5:50 (same machine, same commit)."""
    return (os.cpu_count() or 1) + 2


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    if config.getvalue("dist") != "load":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class MachineWideTogether(LoadScopeScheduling):  # type: ignore[misc]
        def _split_scope(self, nodeid: str) -> str:
            module = nodeid.split("::", 1)[0]
            if module in MACHINE_WIDE:
                return "machine-wide"
            return module if module in WHOLE_MODULES else nodeid

    return MachineWideTogether(config, log)


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def processes() -> Iterator[Path]:
    """The /proc folder of every process of the machine (zombies too; one may be gone by the time it is read)."""
    return (entry for entry in Path("/proc").iterdir() if entry.name.isdigit())


def process_stat(process: Path) -> list[str]:
    """The fields of /proc/<pid>/stat after the command name (which may hold spaces and parentheses): the
    state first ("Z": exited, not yet reaped), then the parent's pid."""
    return (process / "stat").read_text().rsplit(")", 1)[1].split()


@pytest.fixture
def small_class(tmp_path: Path) -> Path:
    """A class of three: a correct folder (ann), one wrong file (ben), one that does not compile (cas)."""
    import shutil

    folder = tmp_path / "class"
    folder.mkdir()
    shutil.copytree(IMPLEMENTATIONS / "correct" / "blueprint", folder / "ann")
    shutil.copy(IMPLEMENTATIONS / "wrong" / "status_307.py", folder / "ben.py")
    shutil.copy(IMPLEMENTATIONS / "broken" / "syntax_error.py", folder / "cas.py")
    return folder


@pytest.fixture
def serve_wsgi() -> Iterator[object]:
    """Serve a WSGI app on 127.0.0.1, on a port the OS picks; stopped when the test ends."""
    servers: list[WSGIServer] = []

    def serve(app: object) -> str:
        server = make_server("127.0.0.1", 0, app, handler_class=_QuietHandler)  # type: ignore[arg-type]
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_port}"

    yield serve
    for server in servers:
        server.shutdown()
        server.server_close()


class _OneChromium:
    """One Chromium for all the inner runs of a worker, in place of ``browser.running_chromium``.

    A launch costs a second of a core, and some thirty inner runs walk through a page. Every check still
    gets a context of its own (no cookie, cache or storage carries over); only the browser process is
    shared. Another executable than the shared one's (a test of a Chromium that cannot start), or a
    process forked from the worker (a batch graded in-process), gets the real thing.
    """

    def __init__(self, real: Any) -> None:
        self.real = real
        self.playwright: Any = None
        self.browser: Any = None
        self.executable = ""
        self.launcher = ""
        self.owner = 0

    def start(self, executable: str, launcher: str) -> None:
        """Started here, outside any inner run: what Playwright imports (asyncio among it) must outlive
        the runs, which drop the modules first imported inside them. Launched confined as the product
        launches it (``launcher``): the inner runs' pages are held by the same limits."""
        from playwright.sync_api import sync_playwright

        from flask_conformance.reading.browser import launch

        if self.playwright is None:
            self.playwright = sync_playwright().start()
        self.browser, self.executable, self.launcher = launch(self.playwright, launcher), executable, launcher
        self.owner = os.getpid()

    @contextmanager
    def __call__(self, executable: str, launcher: str | None = None) -> Iterator[Any]:
        if executable != self.executable or os.getpid() != self.owner:  # a grading process forked from here
            with self.real(executable, launcher) as browser:
                yield browser
            return
        if not self.browser.is_connected():
            self.start(executable, self.launcher)
        yield self.browser

    def stop(self) -> None:
        if self.browser is not None:
            self.browser.close()
        if self.playwright is not None:
            self.playwright.stop()


@pytest.fixture(scope="session", autouse=True)
def one_chromium_per_worker() -> Iterator[None]:
    """Every worker's inner runs share one Chromium (``_OneChromium``), started with the session."""
    from flask_conformance.reading import browser

    executable = browser.find_chromium()
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        executable = None
    if executable is None:  # the browser tests skip or fail on their own, saying why
        yield
        return
    from flask_conformance.sandbox.confined_browser import confined_launcher

    with confined_launcher(executable) as launcher:
        shared = _OneChromium(browser.running_chromium)
        shared.start(executable, launcher)
        browser.running_chromium = shared  # type: ignore[assignment]
        try:
            yield
        finally:
            browser.running_chromium = shared.real  # type: ignore[method-assign]
            shared.stop()


@contextmanager
def chromium_page() -> Iterator[Any]:
    """A page in headless Chromium; skips, or fails under FLASK_CONFORMANCE_REQUIRE_BROWSER=1, without one."""
    from flask_conformance.reading import browser

    executable = browser.find_chromium()
    if executable is None:
        reason = "no Chromium: install Debian's chromium or set FLASK_CONFORMANCE_CHROMIUM"
        if os.environ.get("FLASK_CONFORMANCE_REQUIRE_BROWSER") == "1":
            pytest.fail(reason)
        pytest.skip(reason)
    with browser.running_chromium(executable) as chromium:
        context = chromium.new_context()
        try:
            yield context.new_page()
        finally:
            context.close()


def nested_folders(path: Path, depth: int, name: str = "a" * 20) -> None:
    """Folders called ``name``, ``depth`` deep, with a file every hundred, made through descriptors: the path
    outgrows PATH_MAX long before the end, and no call recurses. Whoever makes them removes them
    (``remove_tree``): pytest's own clean-up of old temporary folders cannot, and fails the next run."""
    path.mkdir()
    folder = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    for level in range(depth):
        os.mkdir(name, dir_fd=folder)
        if level % 100 == 0:
            with open(os.open("file", os.O_WRONLY | os.O_CREAT, dir_fd=folder), "w") as file:
                file.write("x")
        inner = os.open(name, os.O_RDONLY | os.O_DIRECTORY, dir_fd=folder)
        os.close(folder)
        folder = inner
    os.close(folder)
