"""Grading speed and memory: the batch grader against one pytest run per submission.

Generates 60 submissions (a mix of correct, wrong and unloadable ones, cycling
through the kit's own test implementations), grades them with
``flask-conformance grade --jobs 2`` and, as the baseline measured in the same
run, naively with one ``pytest spec_tests --target`` per submission, on equal
terms: the same checks (no browser), the same examples, the same isolation, as
many processes at a time as the batch has jobs. (The batch starts its sandboxes
warm where it can: the same sandbox, with Flask's import paid once.) Prints submissions per second
for both, their ratio, the same two without isolation (what isolation costs), the peak memory of a grading
worker, where a submission's cost goes, the ceilings of any batch (the checks alone, timed for each of the
class's submissions in this process), and the isolation both ran under.

    .venv/bin/python scripts/benchmark.py [--count 60] [--jobs 2] [--naive-sample N]
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
IMPLEMENTATIONS = ROOT / "tests" / "implementations"


def generate(folder: Path, count: int) -> None:
    sources = sorted(
        [
            *(IMPLEMENTATIONS / "correct").iterdir(),
            *(IMPLEMENTATIONS / "wrong").glob("*.py"),
            IMPLEMENTATIONS / "broken" / "syntax_error.py",
            IMPLEMENTATIONS / "broken" / "no_app.py",
        ]
    )
    for index, source in zip(range(count), itertools.cycle(sources)):
        destination = folder / f"student{index:03d}-{source.stem}"
        if source.is_dir():
            shutil.copytree(source, destination)
        else:
            destination.mkdir()
            shutil.copy(source, destination / "app.py")


# Both ways without isolation: the submission imported into the grading process (trusted code only, as
# this script's own implementations are), to show what isolation costs and what is left without it.
WITHOUT_ISOLATION = {**os.environ, "FLASK_CONFORMANCE_IN_PROCESS": "true"}


def batch(folder: Path, out: Path, jobs: int, examples: int, env: dict[str, str] | None = None) -> tuple[float, float]:
    started = time.perf_counter()
    subprocess.run(
        [
            str(ROOT / ".venv" / "bin" / "flask-conformance"),
            "grade",
            str(folder),
            "--out",
            str(out),
            "--jobs",
            str(jobs),
            "--examples",
            str(examples),
        ],
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env,
    )
    seconds = time.perf_counter() - started
    peak = max(json.loads(path.read_text())["peak_memory_mb"] for path in out.glob("*/record.json"))
    return seconds, peak


def naive(submissions: list[Path], jobs: int, examples: int, env: dict[str, str] | None = None) -> float:
    def one(submission: Path) -> None:
        subprocess.run(
            [
                sys.executable,
                "-m",
                "pytest",
                str(ROOT / "spec_tests"),
                "-q",
                "-p",
                "no:cacheprovider",
                "-m",
                "not browser",
                "--examples",
                str(examples),
                "--target",
                str(submission),
            ],
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            check=False,
            env=env,
        )

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        list(pool.map(one, submissions))
    return time.perf_counter() - started


def sandbox_start_seconds(warm: bool, starts: int = 10) -> float | None:
    """One sandbox started (the lesson's app imported), answering one request, and closed: what every
    submission costs, however fast the checks are. Cold, a fresh interpreter under bubblewrap (the naive
    way's); warm, forked by a zygote into the sandbox bubblewrap built (the batch's, where it can: None
    where it cannot)."""
    from flask_conformance.data.exchange import Request
    from flask_conformance.sandbox import zygote
    from flask_conformance.sandbox.sandbox import WARM, SandboxTransport
    from flask_conformance.transports.loading import AppSpec

    if warm:
        zygote.start()
        if zygote.running() is None:
            return None
        warm_up = SandboxTransport(AppSpec(path=ROOT / "reference_app" / "lesson" / "app.py"))
        warm_up.start()  # the zygote has imported Flask: what a batch pays once
        warm_up.close()
    try:
        started = time.perf_counter()
        for _ in range(starts):
            sandbox = SandboxTransport(AppSpec(path=ROOT / "reference_app" / "lesson" / "app.py"))
            try:
                sandbox.start()
                sandbox.handle_request(Request("GET", "/login"))
            finally:
                sandbox.close()
            if sandbox.isolation.endswith(WARM) is not warm:
                return None
        return (time.perf_counter() - started) / starts
    finally:
        zygote.stop()


class LoopTimer:
    """Times pytest's test loop alone, in CPU seconds: the checks, without configuring pytest or collecting
    the spec, which the batch does once for the class."""

    def __init__(self) -> None:
        self.seconds = 0.0

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtestloop(self) -> None:
        self.seconds -= time.process_time()

    def pytest_sessionfinish(self) -> None:
        self.seconds += time.process_time()


def run_spec_here(
    examples: int, *selection: str, plugins: tuple[object, ...] = (), target: str = "reference_app.lesson.app:app"
) -> None:
    """The spec (or the ``selection`` of its files), no browser, run in this process against ``target`` (the
    lesson's reference) imported here: no sandbox, no interpreter started; its output thrown away."""
    import contextlib

    from flask_conformance.commands.grading_run import SPEC_RUN

    # SPEC_RUN: --assert=plain, so that a second run in this process has nothing to rewrite or warn of
    arguments = [*SPEC_RUN, "-m", "not browser", "--in-process", "--examples", str(examples)]
    arguments += ["--target", target]
    if selection:
        arguments = [str(ROOT / "spec_tests" / name) for name in selection] + arguments[1:]
    with open(os.devnull, "w") as null, contextlib.redirect_stdout(null):
        pytest.main(arguments, plugins=list(plugins))


def checks_alone_seconds(examples: int, runs: int = 3) -> float:
    """The checks themselves, as little else as there can be (``run_spec_here``, its test loop alone): CPU
    seconds, the least of a few runs after one to warm up."""
    spent = []
    for _ in range(runs + 1):
        timer = LoopTimer()
        run_spec_here(examples, plugins=(timer,))
        spent.append(timer.seconds)
    return min(spent[1:])


def class_checks_seconds(submissions: list[Path], examples: int) -> float:
    """The checks alone (``checks_alone_seconds``, which warms this process first) for each of a class's
    submissions, imported here, on average: what this class costs, not the reference, which fails nothing
    (a failed property shrinks its example) and always loads (an unloadable submission costs next to nothing)."""
    spent = []
    for submission in submissions:
        timer = LoopTimer()
        run_spec_here(examples, plugins=(timer,), target=str(submission))
        spent.append(timer.seconds)
    return sum(spent) / len(spent)


def names_per_submission(examples: int) -> int:
    """Count the names the two name properties send to a correct app (derandomized: always the same)."""
    from flask_conformance.targets.client import Client

    sent = []
    login = Client.login

    def counting(self: Client, method: str, name: str) -> object:
        sent.append(name)
        return login(self, method, name)

    Client.login = counting  # type: ignore[method-assign]
    run_spec_here(examples, "test_names.py")
    Client.login = login  # type: ignore[method-assign]
    return len(sent)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=60)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--naive-sample", type=int, default=0, help="time the baseline on this many (0: all)")
    parser.add_argument("--examples", type=int, default=25, help="Hypothesis examples per property, as grade's")
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(temporary) / "class"
        folder.mkdir()
        generate(folder, arguments.count)
        batch_seconds, peak = batch(folder, Path(temporary) / "out", arguments.jobs, arguments.examples)
        submissions = sorted(folder.iterdir())
        sample = submissions[: arguments.naive_sample] if arguments.naive_sample else submissions
        naive_seconds = naive(sample, arguments.jobs, arguments.examples) * len(submissions) / len(sample)
        plain_batch_seconds, _ = batch(
            folder, Path(temporary) / "out-plain", arguments.jobs, arguments.examples, WITHOUT_ISOLATION
        )
        plain_naive_seconds = (
            naive(sample, arguments.jobs, arguments.examples, WITHOUT_ISOLATION) * len(submissions) / len(sample)
        )
        checks = checks_alone_seconds(arguments.examples)
        class_checks = class_checks_seconds(submissions, arguments.examples)
    batch_rate = arguments.count / batch_seconds
    naive_rate = arguments.count / naive_seconds
    names = names_per_submission(arguments.examples)
    print(f"submissions:              {arguments.count}, tutorial profile, {names} names round-tripped per submission")
    print(f"batch, --jobs {arguments.jobs}:          {batch_seconds:7.2f} s  {batch_rate:6.2f} submissions/s")
    print(
        f"naive, one pytest each:   {naive_seconds:7.2f} s  {naive_rate:6.2f} submissions/s"
        + (f"  (timed on {len(sample)}, scaled)" if len(sample) < len(submissions) else "")
    )
    print(f"speed-up:                 {batch_rate / naive_rate:7.2f}x")
    print(
        f"without isolation, both:  batch {plain_batch_seconds:.2f} s, naive {plain_naive_seconds:.2f} s, "
        f"speed-up {plain_naive_seconds / plain_batch_seconds:.2f}x; isolation costs the batch "
        f"{100 * (batch_seconds / plain_batch_seconds - 1):.0f}% more time"
    )
    print(f"peak memory of a worker:  {peak:7.1f} MB")
    # Where a submission's cost goes, in core-seconds: both ways pay one sandbox start (the naive way a cold
    # one, a fresh interpreter; the batch a warm one where it can) and the checks; the naive way pays a
    # pytest start-up on top.
    cold = sandbox_start_seconds(warm=False)
    warm = sandbox_start_seconds(warm=True)
    start = cold if warm is None else warm
    naive_core_seconds = naive_seconds * arguments.jobs / arguments.count
    batch_core_seconds = batch_seconds * arguments.jobs / arguments.count
    print(f"naive, core-s/submission: {naive_core_seconds:7.2f} s")
    print(f"batch, core-s/submission: {batch_core_seconds:7.2f} s  (5x would need {naive_core_seconds / 5:.2f} s)")
    print(f"  one sandbox start, cold:{cold or 0:7.2f} s  (alone, one core: a fresh interpreter, the naive way's)")
    print(
        f"  one sandbox start, warm:{warm:7.2f} s  (forked by the batch's zygote)"
        if warm is not None
        else "  one sandbox start, warm:    n/a  (no zygote here: root, bubblewrap and cgroups needed)"
    )
    print(f"  the checks and the rest:{batch_core_seconds - start:7.2f} s  (the naive way pays them too)")
    # The ceiling of any batch that starts a sandbox per submission as this one does: even one that paid
    # nothing but that start and the checks as they cost in a warm process with no sandbox at all.
    print(f"  the checks alone:       {checks:7.2f} s  (pytest's test loop, warm, in-process, no sandbox: CPU s)")
    print(f"    for this class:       {class_checks:7.2f} s  (the same for each submission, on average)")
    print(
        f"ceiling, one sandbox a submission:     {naive_core_seconds / (start + class_checks):.2f}x"
        "  (naive / (the batch's sandbox start + this class's checks alone))"
    )
    print(f"ceiling, nothing but the checks:       {naive_core_seconds / class_checks:.2f}x  (naive / this class's)")
    # Isolation gives every submission a sandbox of its own (SECURITY.md): its start and the checks are the
    # least any isolated batch pays for this class.
    if start + class_checks > naive_core_seconds / 5:
        print(
            f"5x with isolation:        out of reach here: a sandbox's start and this class's checks alone take "
            f"{start + class_checks:.2f} core-s a submission, more than the {naive_core_seconds / 5:.2f} that 5x "
            "allows"
        )
    from flask_conformance.sandbox.sandbox import expected_isolation

    print(f"isolation (both):         {expected_isolation()}")


if __name__ == "__main__":
    main()
