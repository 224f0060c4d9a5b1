"""Install, then use: the built wheel, installed into a fresh virtual environment and run from a folder
outside the checkout, supports every command the README shows."""

from __future__ import annotations

import csv
import json
import os
import re
import shutil
import subprocess
import sys
import urllib.request
import zipfile
from pathlib import Path

import pytest

from conftest import IMPLEMENTATIONS, ROOT


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """A fresh venv with only the wheel and what it declares; its bin folder."""
    place = tmp_path_factory.mktemp("installed")
    place.chmod(0o755)  # the sandbox's uid must reach the interpreter and the kit inside it
    dist = place / "dist"
    source = place / "source"  # a build writes build/ and *.egg-info beside the sources: not in the checkout
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(".*", "__pycache__", "build", "*.egg-info", "grades"))
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(dist), str(source)],
        check=True,
        capture_output=True,
    )
    (wheel,) = dist.glob("flask_conformance-*.whl")
    subprocess.run([sys.executable, "-m", "venv", str(place / "venv")], check=True)
    bin_folder = place / "venv" / "bin"
    subprocess.run(
        # --no-compile: byte-compiling numpy and matplotlib ahead of time is most of an install's CPU, and
        # Python compiles what it imports anyway.
        [str(bin_folder / "python"), "-m", "pip", "install", "-q", "--no-compile", f"{wheel}[browser]"],
        check=True,
        capture_output=True,
    )
    return bin_folder


@pytest.fixture
def outside(tmp_path):
    """A folder with no trace of the checkout: a copy of the bundled class and one correct app."""
    shutil.copytree(ROOT / "examples" / "submissions", tmp_path / "class")
    shutil.copy(IMPLEMENTATIONS / "correct" / "see_other.py", tmp_path / "app.py")
    shutil.copy(IMPLEMENTATIONS / "wrong" / "status_301.py", tmp_path / "wrong.py")
    return tmp_path


def run(bin_folder: Path, where: Path, *command: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(bin_folder / command[0]), *command[1:]], cwd=where, capture_output=True, text=True, timeout=timeout
    )


def test_the_wheel_holds_the_spec_and_the_references(installed):
    site = run(installed, Path("/"), "python", "-c", "import spec_tests, reference_app; print(spec_tests.__file__)")
    assert site.returncode == 0 and "site-packages" in site.stdout and str(ROOT) not in site.stdout


def test_grade_the_bundled_class(installed, outside):
    result = run(installed, outside, "flask-conformance", "grade", "class", "--out", "grades", "--jobs", "2")
    assert result.returncode == 0, result.stderr
    grades = (outside / "grades" / "grades.csv").read_text().splitlines()
    rows = {row["name"]: row for row in csv.DictReader(grades)}
    assert set(rows) == {"alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi"}
    assert rows["alice"]["score"] == rows["alice"]["max_score"] != "0"
    assert (outside / "grades" / "report.html").is_file()


def test_the_spec_runs_by_pyargs_and_by_check(installed, outside):
    spec = ["python", "-m", "pytest", "--pyargs", "spec_tests", "-q", "-m", "not browser", "-p", "no:cacheprovider"]
    assert run(installed, outside, *spec, "--target", "app.py").returncode == 0
    wrong = run(installed, outside, *spec, "--target", "wrong.py")
    assert wrong.returncode == 1 and "REDIRECT-STATUS" in wrong.stdout
    check = run(installed, outside, "flask-conformance", "check", "wrong.py", "-m", "not browser", "-q")
    assert check.returncode == 1 and "2 failed" in check.stdout


def test_lock_then_check_against_it(installed, outside):
    assert run(installed, outside, "flask-conformance", "lock", "app.py", "--out", "app.lock").returncode == 0
    spec = ["python", "-m", "pytest", "--pyargs", "spec_tests", "-q", "-p", "no:cacheprovider"]
    assert run(installed, outside, *spec, "--target", "app.py", "--lock", "app.lock").returncode == 0
    assert run(installed, outside, *spec, "--target", "wrong.py", "--lock", "app.lock").returncode == 1


def test_serve(installed, outside):
    server = subprocess.Popen(
        [str(installed / "flask-conformance"), "serve", "app.py", "--port", "0"],
        cwd=outside,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert server.stdout is not None
        url = re.search(r"at (http://\S+?)/? \(", server.stdout.readline())
        assert url is not None
        request = urllib.request.Request(url[1] + "/success/alice")
        with urllib.request.urlopen(request, timeout=10) as answer:
            assert answer.status == 200 and b"welcome alice" in answer.read().lower()
    finally:
        server.terminate()
        server.communicate(timeout=30)


BROKEN_APP = IMPLEMENTATIONS / "broken" / "syntax_error.py"


FORGER = """import json, pathlib
pathlib.Path("{results}").mkdir(exist_ok=True)
pathlib.Path("{results}/results.json").write_text(json.dumps({{"score": 83, "max_score": 83, "tests": []}}))
"""


def test_a_gradescope_bundle_installs_and_grades_in_an_autograder_tree(installed, tmp_path):
    """The bundle as Gradescope uses it, under a root named by AUTOGRADER_ROOT: the zip unpacked into
    source/, setup.sh run once (against the wheel built here), then run_autograder per submission."""
    (wheel,) = (installed.parent.parent / "dist").glob("flask_conformance-*.whl")
    made = run(installed, tmp_path, "flask-conformance", "gradescope", "--out", "bundle.zip", "--wheel", str(wheel))
    assert made.returncode == 0, made.stderr
    root = tmp_path / "autograder"
    with zipfile.ZipFile(tmp_path / "bundle.zip") as bundle:
        assert sorted(bundle.namelist()) == sorted(["setup.sh", "run_autograder", "requirements.txt", wheel.name])
        bundle.extractall(root / "source")
        for entry in bundle.infolist():
            (root / "source" / entry.filename).chmod(entry.external_attr >> 16 & 0o777 or 0o644)
    shutil.copy(root / "source" / "run_autograder", root / "run_autograder")  # where Gradescope puts it
    environment = {**os.environ, "AUTOGRADER_ROOT": str(root), "PYTHON": str(installed / "python")}
    setup = subprocess.run(["bash", str(root / "source" / "setup.sh")], env=environment, capture_output=True, text=True)
    assert setup.returncode == 0, setup.stderr
    scores = {}
    for name, source in [
        ("correct", ROOT / "reference_app" / "lesson"),
        ("broken", BROKEN_APP),
        ("shadow", BROKEN_APP),
    ]:
        shutil.rmtree(root / "submission", ignore_errors=True)
        shutil.rmtree(root / "results", ignore_errors=True)
        if source.is_dir():
            shutil.copytree(source, root / "submission", ignore=shutil.ignore_patterns("__pycache__"))
        else:
            (root / "submission").mkdir()
            shutil.copy(source, root / "submission" / "app.py")
        if name == "shadow":  # a kit of its own, for a grader run from the submission's folder to import
            (root / "submission" / "flask_conformance.py").write_text(FORGER.format(results=root / "results"))
        graded = subprocess.run(
            [str(root / "run_autograder")], env=environment, capture_output=True, text=True, cwd=root / "submission"
        )
        assert graded.returncode == 0, graded.stdout + graded.stderr
        results = json.loads((root / "results" / "results.json").read_text())
        scores[name] = (results["score"], results["max_score"])
        if name == "correct":  # the student's app ran in the sandbox, unprivileged
            assert results["extra_data"]["isolation"].startswith("sandbox: bubblewrap namespaces, uid ")
    assert scores == {"correct": (83, 83), "broken": (0, 83), "shadow": (0, 83)}
