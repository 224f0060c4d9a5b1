"""Mutation testing of both reference apps with mutmut, the spec as the test suite.

    .venv/bin/python scripts/mutation.py

Installs mutmut 2.5.1 if it is missing (mutmut 3 skips decorated functions,
which is every view of the lesson's app: boxed/mutmut#387), copies the project
to a temporary folder (mutmut 2 mutates files in place; the checkout is never
touched), runs mutmut once per reference with the spec of that reference's
profile as the runner, and prints generated, killed, survived and timed-out
mutants with the time taken. A survivor passes only if SPEC.md explains it as
equivalent (``EQUIVALENT`` below names them); any other survivor, or a
mutant mutmut could not judge, exits 1.
"""

from __future__ import annotations

import importlib.util
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MUTMUT = "mutmut==2.5.1"
REFERENCES = {"lesson": "tutorial", "robust": "robust"}
# (reference, text of the mutated line) -> why no HTTP request can tell the mutant apart (SPEC.md, "Mutation testing")
EQUIVALENT = {
    ("lesson", "if __name__ != '__main__':"): "the kit neutralises a module-level app.run() on import",
    ("lesson", "if __name__ == 'XX__main__XX':"): "only `python app.py` runs this block",
    ("lesson", "app.run(debug = False)"): "only `python app.py` runs this block",
    ("robust", 'abort(400, description="XXSend a name'): "the text of a 400 page is not judged",
    ("robust", 'abort(400, description="XXA name cannot'): "the text of a 400 page is not judged",
    ("robust", 'methods=["XXGETXX"]'): "the form page at / is a convenience, not a requirement",
    # Killed before only because an unknown charset crashed the kit (LookupError); now it reads as UTF-8.
    ("robust", 'content_type="XXtext/html; charset=utf-8XX"'): (
        "a welcome page is judged as text/plain or as HTML (POLICY.md); any other type reads as HTML, "
        "an unknown charset as UTF-8"
    ),
}


def project_copy(destination: Path) -> None:
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    for name in listed:
        source = ROOT / name
        if source.is_file():
            (destination / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, destination / name)


def mutated_line(mutmut: list[str], work: Path, mutant: int) -> str:
    shown = subprocess.run([*mutmut, "show", str(mutant)], cwd=work, capture_output=True, text=True).stdout
    return next(
        (line[1:].strip() for line in shown.splitlines() if line.startswith("+") and not line.startswith("+++")), ""
    )


def run(
    reference: str, profile: str, work: Path, mutmut: list[str]
) -> tuple[dict[str, int], list[tuple[str, str]], float]:
    (work / ".mutmut-cache").unlink(missing_ok=True)
    runner = (
        f"{sys.executable} -m pytest spec_tests -x -q -p no:cacheprovider -m 'not browser' "
        f"--target reference_app.{reference}.app:app --conformance-profile {profile} --in-process"
    )
    started = time.monotonic()
    subprocess.run(
        [
            *mutmut,
            "run",
            "--paths-to-mutate",
            f"reference_app/{reference}/app.py",
            "--tests-dir",
            "spec_tests",
            "--runner",
            runner,
            "--no-progress",
        ],
        cwd=work,
        capture_output=True,
        text=True,
    )
    seconds = time.monotonic() - started
    with sqlite3.connect(work / ".mutmut-cache") as database:
        counts = dict(database.execute("select status, count(*) from Mutant group by status").fetchall())
        survivors = [row[0] for row in database.execute("select id from Mutant where status = 'bad_survived'")]
    lines = [mutated_line(mutmut, work, mutant) for mutant in survivors]
    explained = [
        (line, next((why for (ref, text), why in EQUIVALENT.items() if ref == reference and text in line), ""))
        for line in lines
    ]
    return counts, explained, seconds


def main() -> int:
    if importlib.util.find_spec("mutmut") is None:
        subprocess.run([sys.executable, "-m", "pip", "install", "-q", MUTMUT], check=True)
    mutmut = [sys.executable, "-m", "mutmut"]
    failed = False
    print(f"{'reference':<10}{'mutants':>9}{'killed':>8}{'survived':>10}{'equivalent':>12}{'timeout':>9}{'seconds':>9}")
    reports = []
    with tempfile.TemporaryDirectory(prefix="flask-conformance-mutation-") as folder:
        work = Path(folder)
        project_copy(work)
        for reference, profile in REFERENCES.items():
            counts, survivors, seconds = run(reference, profile, work, mutmut)
            equivalent = sum(1 for _, why in survivors if why)
            total = sum(counts.values())
            unjudged = total - counts.get("ok_killed", 0) - counts.get("bad_survived", 0)
            print(
                f"{reference:<10}{total:>9}{counts.get('ok_killed', 0):>8}{len(survivors):>10}{equivalent:>12}"
                f"{counts.get('bad_timeout', 0):>9}{seconds:>9.0f}"
            )
            reports.append((reference, survivors))
            failed |= equivalent < len(survivors) or unjudged > 0 or total == 0
    for reference, survivors in reports:
        for line, why in survivors:
            print(
                f"  {reference}: survived `{line}`: " + (f"equivalent, {why}" if why else "NOT EXPLAINED: add a test")
            )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
