"""A hostile class: one submission per attack of SECURITY.md, graded in one batch beside honest ones.

Each attack is checked twice: the honest submissions graded beside it get exactly the grades they get
alone, and the attack, asked at ``GET /probe`` what it achieved, achieved nothing. Then nothing of the
class is left on the machine. These need root and bubblewrap; elsewhere they skip, saying so, and CI
(FLASK_CONFORMANCE_REQUIRE_ISOLATION=1) fails instead of skipping.
"""

from __future__ import annotations

import contextlib
import csv
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from conftest import IMPLEMENTATIONS, ROOT, nested_folders, process_stat, processes
from flask_conformance.commands.batch import run_batch
from flask_conformance.commands.grading_run import BatchOptions
from flask_conformance.data.curl import HEADER_SHOWN
from flask_conformance.data.exchange import Request
from flask_conformance.data.limits import Limits
from flask_conformance.data.tree_removal import remove_tree
from flask_conformance.sandbox import cgroups, zygote
from flask_conformance.sandbox.sandbox import WARM, SandboxTransport
from flask_conformance.sandbox.sandbox_command import DEVICES, find_bubblewrap
from flask_conformance.sandbox.uid_pool import FIRST_UID, POOL_SIZE
from flask_conformance.transports.loading import AppSpec

HOSTILE = IMPLEMENTATIONS / "hostile_class"
MARKER = "KANA" + "RYZZ"  # planted in the honest submissions, their names and the rubric
HONEST = {
    f"honest_{MARKER}_lesson.py": ROOT / "reference_app" / "lesson" / "app.py",
    f"honest_{MARKER}_templated": IMPLEMENTATIONS / "correct" / "templated",
    f"honest_{MARKER}_get_only.py": IMPLEMENTATIONS / "wrong" / "get_only.py",
}
LIMITS = Limits(startup_timeout=5, request_timeout=3)
OPTIONS = dict(jobs=2, timeout=90, request_timeout=3, startup_timeout=5)


def _isolation_missing() -> str:
    if os.getuid() != 0:
        return "the hostile class needs root: per-sandbox uids, cgroups and bubblewrap without a user namespace"
    if find_bubblewrap() is None:
        return "the hostile class needs bubblewrap (Debian's bubblewrap; scripts/setup.sh installs it as root)"
    return ""


def _skip_unless_required(missing: str) -> None:
    if missing:
        if os.environ.get("FLASK_CONFORMANCE_REQUIRE_ISOLATION") == "1":
            pytest.fail(missing)
        pytest.skip(missing)


@pytest.fixture(scope="module", autouse=True)
def full_isolation() -> None:
    _skip_unless_required(_isolation_missing())


def _plant(source: Path, destination: Path) -> None:
    """A copy of an honest submission with the class's marker in its code."""
    if source.is_dir():
        shutil.copytree(source, destination)
        for path in destination.rglob("*.py"):
            path.write_text(f"# {MARKER}\n" + path.read_text())
    else:
        destination.write_text(f"# {MARKER}\n" + source.read_text())


def _machine_state() -> dict[str, object]:
    """What a grade must leave as it found: processes of sandbox uids, workspaces, cgroups, IPC objects.

    Only what nothing will ever close counts: a process, cgroup or workspace whose creator (the grading
    process named in it, ``flask-conformance-<pid>-...``) is gone. So a grade in flight beside this one
    (another pytest-xdist worker, another grader on the machine) is not taken for a leak, and every
    leftover of a finished grade is, since its grading processes have all ended.
    """
    # A leak stays; what a grade in flight does for an instant does not (the helper a finished sandbox forks
    # to kill whatever still runs as its uid is such a process, in no cgroup, for a millisecond): a process
    # counts only if it is there twice, a second apart.
    first = _stray_processes()
    time.sleep(1)
    processes = sorted(set(first) & set(_stray_processes()))
    groups = [folder.name for folder in cgroups.groups_named() if cgroups.orphaned(folder.name)]
    ipc = {kind: Path(f"/proc/sysvipc/{kind}").read_text().count("\n") for kind in ("shm", "msg", "sem")}
    workspaces = sorted(
        path.name
        for path in Path(tempfile.gettempdir()).glob(cgroups.PREFIX + "*")
        if path.is_dir() and cgroups.orphaned(path.name)
    )
    return {"processes": processes, "cgroups": groups, "ipc": ipc, "workspaces": workspaces}


def _stray_processes() -> list[str]:
    """Processes of sandbox uids that no live grade owns (zombies aside), and zygotes (or the bridges they
    forked) of batches that are over, each with its command line."""
    pool = range(FIRST_UID, FIRST_UID + POOL_SIZE)
    strays = []
    for entry in processes():
        try:
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ")[:300].decode(errors="replace")
            if process_stat(entry)[0] == "Z":  # exited, not yet reaped: it holds nothing, its cgroup is gone
                continue
            if entry.stat().st_uid in pool and not _in_a_live_grade(entry):
                strays.append(f"{entry.name}: {command} in {sorted(_creators(entry))}")
            elif _zygote_of_a_batch_that_is_over(command):
                strays.append(f"{entry.name}: {command}")
        except OSError:
            pass
    return strays


def _zygote_of_a_batch_that_is_over(command: str) -> bool:
    """A zygote's command line names its folder, which names the batch that started it."""
    found = re.search(rf"{cgroups.PREFIX}\d+-zygote-\w+", command)
    return "zygote_child" in command and found is not None and cgroups.orphaned(found.group())


def _creators(process: Path) -> set[int]:
    """The grading processes named by the sandbox cgroups a process is in."""
    groups = [line.rsplit("/", 1)[-1] for line in (process / "cgroup").read_text().splitlines()]
    names = [name[len(cgroups.PREFIX) :] for name in groups if name.startswith(cgroups.PREFIX)]
    return {int(name.split("-", 1)[0]) for name in names}


def _in_a_live_grade(process: Path) -> bool:
    creators = _creators(process)
    return bool(creators) and all(cgroups.alive(pid) for pid in creators)


def _sandboxes_started_by(grader: int) -> list[str]:
    """Processes of sandbox uids whose grading process is ``grader`` or a process it forked."""
    found = []
    for entry in Path("/proc").glob("[0-9]*"):
        with contextlib.suppress(OSError, ValueError):
            if entry.stat().st_uid >= FIRST_UID and any(
                creator == grader or _parent(creator) == grader for creator in _creators(entry)
            ):
                found.append(entry.name)
    return found


def _parent(pid: int) -> int:
    return int(process_stat(Path(f"/proc/{pid}"))[1])


def _failed(out: Path, name: str) -> set[str]:
    results = json.loads((out / name / "results.json").read_text())
    return {test["tags"][0] for test in results["tests"] if test["status"] == "failed"}


def _stem(name: str) -> str:
    return name[:-3] if name.endswith(".py") else name


@pytest.fixture(scope="module")
def honest_alone(tmp_path_factory):
    folder = tmp_path_factory.mktemp("alone")
    for name, source in HONEST.items():
        _plant(source, folder / name)
    out = tmp_path_factory.mktemp("alone-out")
    records = {record.name: record for record in run_batch(folder, out, BatchOptions(**OPTIONS))}
    return out, records


@pytest.fixture(scope="module")
def hostile_class(tmp_path_factory, honest_alone):
    """The whole class graded in one batch: hostile submissions first (the saboteur sorts first)."""
    before = _machine_state()
    folder = tmp_path_factory.mktemp("class")
    for name, source in HONEST.items():
        _plant(source, folder / name)
    for path in HOSTILE.glob("*.py"):
        shutil.copy(path, folder / path.name)
    form = folder / "symlinked_form"
    shutil.copytree(HOSTILE / "symlinked_form", form)
    (form / "login.html").symlink_to("/dev/zero")
    (form / "passwords.txt").symlink_to("/etc/passwd")
    os.mkfifo(form / "templates.fifo")
    deep = folder / "deep_tree"  # the lesson's folder, and folders nested far deeper than any copy goes
    shutil.copytree(ROOT / "reference_app" / "lesson", deep, ignore=shutil.ignore_patterns("__pycache__"))
    nested_folders(deep / "junk", 1500, name="a")  # short names: deeper than recursion goes, within PATH_MAX
    rubric = tmp_path_factory.mktemp("rubric") / "rubric.toml"
    rubric.write_text(f'# {MARKER}: the instructor\'s rubric\n[defaults]\nvisibility = "visible"\n')
    out = tmp_path_factory.mktemp("class-out")
    started = time.monotonic()
    options = BatchOptions(**OPTIONS, rubric=rubric)
    records = {record.name: record for record in run_batch(folder, out, options)}
    yield out, records, time.monotonic() - started, before
    remove_tree(deep)


@pytest.fixture(params=["cold", "warm"])
def start(request):
    """How the probe's sandboxes start: a fresh interpreter (cold), or forked by a batch's zygote (warm)."""
    if request.param == "warm":
        zygote.start()
        assert zygote.running() is not None
    yield request.param
    zygote.stop()


@pytest.fixture
def probe(start):
    """``GET /probe`` on one hostile submission in a sandbox of its own, started cold or warm (``start``);
    the sandbox is closed after."""
    opened: list[SandboxTransport] = []

    def ask(path: Path, **replacements: str) -> dict[str, object]:
        if replacements:
            source = path.read_text()
            for placeholder, value in replacements.items():
                source = source.replace(f'{placeholder} = ""', f"{placeholder} = {value!r}")
            path = Path(tempfile.mkdtemp()) / path.name
            path.write_text(source)
        sandbox = SandboxTransport(AppSpec(path=path), Limits(startup_timeout=5, request_timeout=30))
        opened.append(sandbox)
        sandbox.start()
        assert sandbox.isolation.endswith(WARM) is (start == "warm"), sandbox.isolation
        response = sandbox.handle_request(Request("GET", "/probe"))
        if response.status != 200:
            return {"no answer": response.error or response.status}
        return json.loads(response.body)

    yield ask
    for sandbox in opened:
        sandbox.close()


def test_honest_grades_are_unchanged_by_the_class(honest_alone, hostile_class):
    alone_out, alone = honest_alone
    out, records, _, _ = hostile_class
    for name in HONEST:
        stem = _stem(name)
        assert records[stem].status == "graded"
        assert (records[stem].score, _failed(out, stem)) == (alone[stem].score, _failed(alone_out, stem)), stem
    assert records[f"honest_{MARKER}_lesson"].score == records[f"honest_{MARKER}_lesson"].max_score


def test_every_hostile_submission_is_graded_in_bounded_time(hostile_class):
    out, records, seconds, _ = hostile_class
    hostile = [_stem(path.name) for path in HOSTILE.glob("*.py")] + ["symlinked_form", "deep_tree"]
    for name in hostile:
        expected = "load-error" if name.endswith("_at_import") else "graded"  # an attack made in its import
        assert records[name].status.split(":")[0] == expected, (name, records[name].status)
        assert records[name].seconds < OPTIONS["timeout"], name
        assert not (out / name / "grader-error.txt").exists()
    assert seconds < 300


def test_saboteur_reaches_no_classmate(probe, start, tmp_path):
    """Graded beside a victim, the saboteur sees only its own sandbox's processes (bubblewrap's init, and
    the holder of a warm sandbox's namespaces) and rewrites nothing."""
    victim = SandboxTransport(AppSpec(path=IMPLEMENTATIONS / "correct" / "templated"), LIMITS)
    try:
        victim.start()
        report = probe(HOSTILE / "aa_saboteur.py")
        time.sleep(1)
        report = probe(HOSTILE / "aa_saboteur.py")
        page = victim.handle_request(Request("GET", "/success/alice"))
    finally:
        victim.close()
    assert report["rewritten"] == []
    assert report["processes_seen"] == ([1] if start == "cold" else [1, 2])
    assert report["folders_seen"] == []
    assert page.status == 200 and b"welcome" in page.body.lower() and b"sabotaged" not in page.body


def test_privacy_probe_finds_nothing_of_the_class_or_the_grader(hostile_class, probe, start):
    out, _, _, _ = hostile_class
    report = probe(HOSTILE / "privacy_probe.py")
    assert report["files"] == []
    assert report["heap"] == []
    assert report["argv"] == ["-c"]
    # bubblewrap's init, and itself; warm, the holder of its namespaces between them
    cmdlines = dict(report["cmdlines"])
    assert cmdlines.pop("1").split("\0")[0].endswith("bwrap")
    if start == "warm":
        assert cmdlines.pop("2") == "sleep\0infinity\0"
    assert list(cmdlines) == (["2"] if start == "cold" else ["3"])
    assert str(out) not in json.dumps(report)
    assert report["environ"] == ["FLASK_RUN_FROM_CLI", "HOME", "LANG", "PATH", "TMPDIR"]
    assert report["init_environ"] in ("PermissionError", "")
    assert "root" not in report["root_listing"] or not report["home_of_root"]
    assert report["uid"] in range(FIRST_UID, FIRST_UID + POOL_SIZE) and report["gid"] == report["uid"]
    # No capability, and none to gain (no_new_privs: a setuid program or a file's capabilities give none).
    privileges = {key: int(value, 16) for key, value in report["privileges"].items() if key not in ("CapInh", "CapBnd")}
    assert privileges == {"CapPrm": 0, "CapEff": 0, "CapAmb": 0, "NoNewPrivs": 1}
    # Its standard streams (stdin is /dev/null, stdout and stderr its own log) and one socket: nothing else.
    descriptors = report["descriptors"]
    assert descriptors.pop("0") == "/dev/null"
    assert descriptors.pop("1") == descriptors.pop("2")
    assert [target.split(":")[0] for target in descriptors.values()] == ["socket"]


def test_a_zygote_that_served_the_class_gives_the_next_child_nothing_of_it(tmp_path):
    """The zygote forks every warm sandbox of a batch: after it has forked the class's (marked) honest
    submissions, and carried their marked requests, the next child finds nothing of them."""
    zygote.start()
    try:
        for name, source in HONEST.items():
            _plant(source, tmp_path / name)
            sandbox = SandboxTransport(AppSpec(path=tmp_path / name), LIMITS)
            try:
                sandbox.start()
                assert sandbox.handle_request(Request("GET", f"/login?nm={MARKER}")).status
            finally:
                sandbox.close()
            assert sandbox.isolation.endswith(WARM)
        probe = SandboxTransport(
            AppSpec(path=HOSTILE / "privacy_probe.py"), Limits(startup_timeout=5, request_timeout=30)
        )
        try:
            probe.start()
            report = json.loads(probe.handle_request(Request("GET", "/probe")).body)
        finally:
            probe.close()
    finally:
        zygote.stop()
    assert probe.isolation.endswith(WARM)
    assert (report["heap"], report["files"]) == ([], [])


def test_concurrent_sandboxes_never_share_a_uid():
    first = SandboxTransport(AppSpec(path=HOSTILE / "privacy_probe.py"), LIMITS)
    second = SandboxTransport(AppSpec(path=HOSTILE / "privacy_probe.py"), LIMITS)
    try:
        first.start()
        second.start()
        uids = [json.loads(sandbox.handle_request(Request("GET", "/probe")).body)["uid"] for sandbox in (first, second)]
    finally:
        first.close()
        second.close()
    assert uids[0] != uids[1]
    assert 0 not in uids


def test_graders_with_their_own_tmpdir_never_share_a_uid(tmp_path, monkeypatch):
    """Two graders on one machine, each given its own TMPDIR as a job array's jobs are."""
    sandboxes = []
    try:
        for job in ("job1", "job2"):
            (tmp_path / job).mkdir()
            monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / job))
            sandboxes.append(SandboxTransport(AppSpec(path=HOSTILE / "privacy_probe.py"), LIMITS))
            sandboxes[-1].start()
        uids = [json.loads(sandbox.handle_request(Request("GET", "/probe")).body)["uid"] for sandbox in sandboxes]
    finally:
        for sandbox in sandboxes:
            sandbox.close()
    assert uids[0] != uids[1]


def test_fork_bomb_stops_at_the_process_limit(probe):
    report = probe(HOSTILE / "fork_bomb.py")
    assert report["processes_started"] < LIMITS.processes


def test_memory_spread_over_children_is_bounded_for_the_tree(probe):
    report = probe(HOSTILE / "memory_spread.py")
    tree = LIMITS.memory + 2 * LIMITS.disk + (64 << 20)
    # The kernel may kill the app itself, which then cannot answer: that too is the limit holding.
    assert "no answer" in report or report["megabytes_held"] << 20 <= tree
    assert report.get("megabytes_held", 0) < 1200


def test_cpu_hog_gets_at_most_its_cores_whatever_its_processes(probe):
    """Eight busy processes of one submission get one core between them, not the machine: a classmate
    graded at the same time keeps the rest (seen failing without the cpu group, autogroup off: 1.98 of 2)."""
    report = probe(HOSTILE / "cpu_hog.py")
    assert report["cores_used"] <= LIMITS.cores * 1.15, report


def test_a_sandbox_says_its_cpu_is_capped_for_the_whole_tree():
    limit = cgroups.available()
    _skip_unless_required("" if limit and limit.cpu == "capped" else "the grader may cap no cpu cgroup here")
    sandbox = SandboxTransport(AppSpec(path=ROOT / "reference_app" / "lesson" / "app.py"), LIMITS)
    try:
        sandbox.start()
    finally:
        sandbox.close()
    assert re.search(r", cgroup v[12] limits on the whole tree, its CPU capped for the whole tree$", sandbox.isolation)


def test_disk_filler_is_held_to_its_tmpfs(probe):
    report = probe(HOSTILE / "disk_filler.py")
    assert report["bytes_written"] <= 2 * LIMITS.disk


def test_device_writer_finds_only_four_devices(probe):
    report = probe(HOSTILE / "device_writer.py")
    assert report["devices"] == sorted(DEVICES)
    assert set(report["opened_for_writing"]) <= {f"/dev/{device}" for device in DEVICES}
    assert report["made_a_device"] is False


def test_ipc_objects_stay_in_the_sandbox_and_die_with_it(probe):
    before = Path("/proc/sysvipc/shm").read_text()
    report = probe(HOSTILE / "ipc_squatter.py")
    assert min(report["shared_memory"], report["message_queue"], report["semaphores"]) >= 0  # made, inside
    assert "1592593423" not in Path("/proc/sysvipc/shm").read_text()  # 0x5EED0C0F: not in the machine's
    assert Path("/proc/sysvipc/shm").read_text() == before


def test_unix_socket_client_reaches_no_socket(probe, tmp_path):
    path = tmp_path / "grader.sock"
    listeners = []
    for address in (str(path), f"\0flask-conformance-test-{os.getpid()}"):
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        listener.bind(address)
        listener.listen()
        listener.setblocking(False)
        listeners.append(listener)
    try:
        report = probe(
            HOSTILE / "unix_socket_client.py",
            SOCKET_PATH=str(path),
            ABSTRACT_NAME=f"flask-conformance-test-{os.getpid()}",
        )
        for listener in listeners:
            with pytest.raises(BlockingIOError):
                listener.accept()
    finally:
        for listener in listeners:
            listener.close()
    assert report["connected"] == []


def test_charset_bomb_and_drip_cost_bounded_time(hostile_class):
    """Bounded, not fast: 250 answers of 1 MiB each are read whole, but decoded as UTF-8, in linear time.
    Decoding as punycode would take minutes: the grade would hit the time limit (checks failed) or the
    batch's hard timeout (status "timeout"), and neither happens."""
    out, records, _, _ = hostile_class
    assert records["charset_bomb"].status == "graded"
    assert records["charset_bomb"].seconds < OPTIONS["timeout"]
    assert records["charset_bomb"].score == records[f"honest_{MARKER}_lesson"].score
    assert records["slow_drip"].seconds < 40
    assert "WELCOME" in _failed(out, "slow_drip")


def test_symlinked_login_html_is_not_followed(hostile_class):
    out, records, _, _ = hostile_class
    assert records["symlinked_form"].seconds < 30
    failed = _failed(out, "symlinked_form")
    # A folder whose login.html cannot be read fails the form checks, and nothing else, saying why.
    assert failed == {"FORM-ACTION", "FORM-METHOD", "FORM-INPUT", "FORM-SUBMIT"}
    results = json.loads((out / "symlinked_form" / "results.json").read_text())
    for test in results["tests"]:
        if test["tags"][0] in failed:
            assert "login.html is missing" in test["output"] and "left out of the copy" in test["output"]
            assert "a link" in test["output"]


def test_json_depth_bomb_is_a_broken_page_not_a_grader_error(hostile_class):
    out, records, _, _ = hostile_class
    assert records["json_depth_bomb"].status == "graded"
    assert "WELCOME" in _failed(out, "json_depth_bomb")
    assert "LOGIN-GET" not in _failed(out, "json_depth_bomb")


def test_a_tree_too_deep_to_copy_costs_nobody_anything(hostile_class):
    """Seen before: a submission 950 folders deep raised RecursionError in the grader (every check of its
    own a kit traceback), and its workspace, left behind, raised again in the clean-up of every later grade,
    failing the last check of each classmate (15 points each). The copy stops at its depth; the honest
    grades are the test above."""
    out, records, _, _ = hostile_class
    assert records["deep_tree"].status == "graded"
    assert records["deep_tree"].score == records["deep_tree"].max_score
    assert "Traceback" not in (out / "deep_tree" / "feedback.md").read_text()


@pytest.mark.parametrize("name", ["terminal_escapes", "terminal_escapes_at_import"])
def test_terminal_escapes_reach_no_report_and_no_terminal(hostile_class, name):
    """ESC, BEL and CSI from a submission (a Location, a server error's exception, a load error) are shown
    as U+FFFD in every file of its grade and in grades.csv, which the progress line prints from; seen
    failing before: the load error cleared the instructor's screen and retitled the window."""
    out, records, _, _ = hostile_class
    assert records[name].status.startswith("load-error" if name.endswith("import") else "graded")
    for path in [out / "grades.csv", *(out / name).iterdir()]:
        if path.suffix in (".csv", ".md", ".html", ".json"):
            text = path.read_text(encoding="utf-8")
            assert not {"\x1b", "\x07", "\x9b"} & set(text), path.name
    assert "\ufffd[2J" in (out / name / "feedback.md").read_text()


def test_megabyte_headers_are_quoted_bounded_in_every_report(hostile_class):
    """Seen failing before the quotes were bounded: a Location of 4 MiB made every file of its grade 96 MB
    (feedback.md, feedback.html, results.json, the journal and the log) and took 11 s of the grader."""
    out, records, _, _ = hostile_class
    assert records["huge_headers"].status == "graded"
    files = {path.name: path.stat().st_size for path in (out / "huge_headers").iterdir()}
    assert {"feedback.md", "results.json", "journal.jsonl"} <= set(files)
    assert max(files.values()) < 1 << 20, files
    feedback = (out / "huge_headers" / "feedback.md").read_text()
    assert f"... ({(3 << 20) + len('alice') - (HEADER_SHOWN - len('/success/'))} more characters)" in feedback


def test_location_injection_stays_data_in_every_report(hostile_class):
    out, records, _, _ = hostile_class
    feedback = (out / "location_injection" / "feedback.md").read_text()
    headings = [line for line in feedback.splitlines() if line.startswith("#")]
    assert all(
        re.fullmatch(r"(# Feedback for \w+|## (Likely cause|To fix|Passed|Not checked)|### [A-Z0-9-]+: .+)", h)
        for h in headings
    )
    assert not re.search(r"^\s*Score: 90", feedback, re.MULTILINE)
    fences = re.findall(r"^(`{3,})$", feedback, re.MULTILINE)
    assert len(fences) % 2 == 0
    for opening, closing in zip(fences[::2], fences[1::2], strict=True):
        assert opening == closing
    outside = re.sub(r"^(`{3,})\n.*?\n\1$", "", feedback, flags=re.MULTILINE | re.DOTALL)
    assert "<script>" not in outside
    json.loads((out / "location_injection" / "results.json").read_text())
    with (out / "grades.csv").open(newline="") as grades:
        rows = list(csv.reader(grades))
    assert len(rows) == len(records) + 1 and all("\n" not in field for row in rows for field in row)
    assert "alert(1)" not in (out / "report.html").read_text()


def test_nothing_outlives_the_grade(hostile_class):
    _, _, _, before = hostile_class
    after = _machine_state()
    assert after["processes"] == []
    assert after["cgroups"] == []
    assert after["ipc"] == before["ipc"]
    assert set(after["workspaces"]) <= set(before["workspaces"])


@pytest.mark.parametrize(("how", "when"), [("serve", "serving"), ("serve", "importing"), ("pytest", "importing")])
def test_nothing_outlives_a_run_stopped_with_sigterm(how, when):
    """A service manager stops ``serve``, or a CI runner cancels a plain ``pytest spec_tests --target``, with
    SIGTERM: its sandbox, cgroups and workspace go, as after Ctrl-C, whether it is serving or its submission
    is still importing (seen failing before: the default SIGTERM ended the process on the spot and left its
    three cgroups and its workspace, which a later grade's check of the machine took for a leak; then, in
    CI, a SIGTERM just after the "Serving" line, before the clean-up's try, did the same; and a plain pytest
    run, whose SIGTERM nobody handled, left them too)."""
    target = ROOT / "reference_app" / "lesson" if when == "serving" else IMPLEMENTATIONS / "broken" / "import_hangs.py"
    if how == "serve":
        command = [sys.executable, "-m", "flask_conformance", "serve", str(target), "--port", "0"]
    else:
        command = [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "spec_tests",
            "--target",
            str(target),
        ]
    server = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, cwd=ROOT)
    left = f"{cgroups.PREFIX}{server.pid}-"
    try:
        if when == "serving":
            assert server.stdout.readline().startswith("Serving app.py:app at http://127.0.0.1:")
        else:
            deadline = time.monotonic() + 20
            while len(_made_by(left)) < 3 and time.monotonic() < deadline:
                time.sleep(0.1)
        assert _made_by(left)  # its sandbox is running: cgroups and a workspace named after it
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=20)
    finally:
        server.kill()
        server.wait()
        server.stdout.close()
    assert _made_by(left) == []


def _made_by(prefix: str) -> list[str]:
    """The cgroups and workspaces whose names start with ``prefix``."""
    folders = [*Path(tempfile.gettempdir()).glob(prefix + "*"), *cgroups.groups_named(prefix)]
    return sorted(str(folder) for folder in folders)


def test_nothing_outlives_a_grading_process_killed_at_the_time_limit(tmp_path):
    """The batch kills a grading process stuck in an import; its sandbox, workspace and cgroups go too, at
    once, not at the end of the batch (seen failing before: they stayed until then, and another grade's
    check of the machine, run meanwhile, took them for a leak)."""
    folder = tmp_path / "class"
    folder.mkdir()
    shutil.copy(IMPLEMENTATIONS / "broken" / "import_hangs.py", folder / "stuck.py")
    shutil.copy(ROOT / "reference_app" / "lesson" / "app.py", folder / "fine.py")
    before = _machine_state()
    at_the_kill = []

    def progress(done: int, total: int, record: object) -> None:
        if record is not None and record.status.startswith("timeout"):
            at_the_kill.append(_machine_state()["cgroups"])

    # A limit a loaded machine (four test workers on two cores) still grades the fine app within: at 8 s
    # it once did not. The stuck one waits it out either way.
    options = BatchOptions(jobs=2, timeout=20, startup_timeout=30)
    records = run_batch(folder, tmp_path / "out", options, progress=progress)
    assert {record.name: record.status.split(":")[0] for record in records} == {"fine": "graded", "stuck": "timeout"}
    assert at_the_kill == [[]]
    after = _machine_state()
    assert after["processes"] == [] and after["cgroups"] == []
    assert set(after["workspaces"]) <= set(before["workspaces"])


def test_nothing_outlives_ctrl_c(tmp_path):
    folder = tmp_path / "class"
    folder.mkdir()
    for number in range(3):
        shutil.copy(IMPLEMENTATIONS / "broken" / "import_hangs.py", folder / f"stuck{number}.py")
    before = _machine_state()
    command = [sys.executable, "-m", "flask_conformance", "grade", str(folder), "--out", str(tmp_path / "out")]
    log = tmp_path / "grader.log"
    with log.open("wb") as output:
        grader = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while not _sandboxes_started_by(grader.pid) and time.monotonic() < deadline and grader.poll() is None:
            time.sleep(0.1)
        assert _sandboxes_started_by(grader.pid), f"no sandbox started; the grader said: {log.read_text()[-2000:]}"
        grader.send_signal(signal.SIGINT)
        grader.wait(timeout=30)
    finally:
        grader.kill()
        grader.wait()
    assert grader.returncode == 130, log.read_text()[-2000:]
    assert "interrupted: finished results are in" in log.read_text()
    time.sleep(0.5)
    after = _machine_state()
    assert after["processes"] == [] and after["cgroups"] == []
    assert set(after["workspaces"]) <= set(before["workspaces"])


@pytest.mark.parametrize("probe_name", ["memory_spread.py", "fork_bomb.py"])
def test_without_cgroups_the_tree_is_still_bounded(probe_name, monkeypatch):
    """A machine with no writable cgroup (a Gradescope container): the uid watch bounds the tree's memory,
    RLIMIT_NPROC on the sandbox's own uid bounds its processes."""
    monkeypatch.setattr(cgroups, "create", lambda memory, processes, cores: None)
    sandbox = SandboxTransport(AppSpec(path=HOSTILE / probe_name), Limits(startup_timeout=5, request_timeout=30))
    try:
        sandbox.start()
        assert sandbox.isolation.endswith(WARM) is (start == "warm"), sandbox.isolation
        response = sandbox.handle_request(Request("GET", "/probe"))
        isolation = sandbox.isolation
    finally:
        sandbox.close()
    assert "watched through its uid" in isolation
    if response.status != 200:  # the watch killed the app too: that is the limit holding
        assert "memory" in response.error or "died" in response.error
        return
    report = json.loads(response.body)
    tree = LIMITS.memory + 2 * LIMITS.disk + (64 << 20)
    assert report.get("megabytes_held", 0) << 20 <= tree
    assert report.get("processes_started", 0) < LIMITS.processes
