"""The command line: ``flask-conformance grade`` for a class, more commands as they come.

Exit statuses are tabled in the README: a usage error (2, or pytest's 4 for
``check``) is never a student's failure.
"""

from __future__ import annotations

import logging
import os
import signal
import sys
import textwrap
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

import click

from ..data.requirements import PROFILES
from ..grading.results_json import RESULT_FORMATS
from ..reading.rubric import RubricError, load_rubric
from .batch import run_batch
from .discovery import NotAClass
from .grading_run import BatchOptions
from .records import Record
from .shards import Shard, ShardError, merge_shards

if TYPE_CHECKING:
    from ..targets.targets import Target


class ProgressBar:
    """click's progress bar, with a position and an ETA, on a terminal; a line per submission elsewhere
    (a CI log), its status shortened at a word."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stderr
        self.interactive = self.stream.isatty()
        self.bar: Any = None

    def __call__(self, done: int, total: int, record: Record | None) -> None:
        if not self.interactive:
            if record is not None:
                status = textwrap.shorten(record.status, 80, placeholder=" ...")
                self.stream.write(f"{done}/{total} {record.name}: {record.score:g}/{record.max_score:g} {status}\n")
                self.stream.flush()
            return
        if self.bar is None:
            self.bar = click.progressbar(
                length=total,
                label="grading",
                file=self.stream,
                show_pos=True,
                show_eta=True,
                item_show_func=lambda item: item,
            )
            self.bar.__enter__()
            self.bar.update(done)  # what --resume kept
        elif record is not None:
            self.bar.update(1, record.name)
        if done == total:
            self.bar.__exit__(None, None, None)


GRADER_ERROR_EXIT = 3  # some submissions need a regrade because the grader failed on them (README)


@click.group()
@click.version_option(package_name="flask-conformance")
def main() -> None:
    """Grade Flask apps against the "HTTP methods" lesson."""
    from ..targets.targets import stop_as_after_ctrl_c

    signal.signal(signal.SIGTERM, stop_as_after_ctrl_c)  # for the whole command, its sandboxes' clean-up


@main.command()
@click.argument("submissions", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--out", required=True, type=click.Path(file_okay=False, path_type=Path), help="where results go")
@click.option("--profile", type=click.Choice(PROFILES), default="tutorial", show_default=True)
@click.option("--rubric", type=click.Path(exists=True, dir_okay=False, path_type=Path), help="a TOML rubric")
@click.option("--jobs", type=click.IntRange(min=1), default=os.cpu_count() or 1, show_default="cores")
@click.option("--resume", is_flag=True, help="skip submissions already graded in OUT")
@click.option(
    "--timeout",
    type=click.FloatRange(min=1),
    default=120.0,
    show_default=True,
    help="seconds one submission may take in all",
)
@click.option(
    "--examples",
    type=click.IntRange(min=1),
    default=25,
    show_default=True,
    help="Hypothesis examples per property (a name property sends a batch of up to 8 names per example)",
)
@click.option(
    "--request-timeout",
    type=click.FloatRange(min=0.1),
    default=5.0,
    show_default=True,
    help="seconds a submission may take to answer one request",
)
@click.option(
    "--startup-timeout",
    type=click.FloatRange(min=0.1),
    default=10.0,
    show_default=True,
    help="seconds a submission may take to import",
)
@click.option("--browser", is_flag=True, help="also walk through each login.html in headless Chromium (slower)")
@click.option(
    "--junit",
    type=click.Path(dir_okay=False, path_type=Path),
    help="also write one JUnit XML file for the class (a suite per submission, a case per requirement)",
)
@click.option(
    "--shard",
    callback=lambda context, parameter, value: _shard(value),
    help="grade only shard I of N (I from 0, e.g. $JOB_COMPLETION_INDEX/4): each submission always lands in "
    "the same shard; merge the shards' OUT folders with flask-conformance merge",
)
def grade(
    submissions: Path,
    out: Path,
    profile: str,
    rubric: Path | None,
    jobs: int,
    resume: bool,
    timeout: float,
    examples: int,
    request_timeout: float,
    startup_timeout: float,
    browser: bool,
    junit: Path | None,
    shard: Shard | None,
) -> None:
    """Grade every folder or .py file in SUBMISSIONS; write OUT/grades.csv, OUT/report.html and,
    per submission, OUT/<name>/results.json and feedback.md."""
    try:
        load_rubric(rubric)
    except RubricError as error:
        raise click.UsageError(str(error)) from None
    options = BatchOptions(
        profile=profile,
        rubric=rubric,
        jobs=jobs,
        resume=resume,
        timeout=timeout,
        examples=examples,
        request_timeout=request_timeout,
        startup_timeout=startup_timeout,
        browser=browser,
    )
    try:
        records = run_batch(
            submissions,
            out,
            options,
            progress=ProgressBar(),
            notify=lambda text: click.echo(text, err=True),
            shard=shard,
        )
    except NotAClass as error:
        raise click.UsageError(str(error)) from None
    except KeyboardInterrupt:
        click.echo(f"\ninterrupted: finished results are in {out}; run again with --resume", err=True)
        sys.exit(130)
    except Exception as error:  # the grader's own failure, not a submission's
        click.echo(f"flask-conformance: the grader failed: {type(error).__name__}: {error}", err=True)
        sys.exit(1)
    if junit is not None:
        from ..grading.junit_report import write_junit

        write_junit(junit, out, records)
    graded = sum(record.status == "graded" for record in records)
    regrade = [record.name for record in records if record.status.startswith("grader-error")]
    click.echo(
        f"{len(records)} submission(s): {graded} graded, {len(records) - graded - len(regrade)} could not run"
        + (f", {len(regrade)} to regrade (the grader failed on them: {', '.join(regrade[:10])})" if regrade else "")
        + f". See {out / 'grades.csv'} and {out / 'report.html'}."
    )
    if regrade:
        sys.exit(GRADER_ERROR_EXIT)


@main.command()
@click.argument("target", required=False, default=None)
@click.option(
    "--port", type=click.IntRange(min=0, max=65535), default=5000, show_default=True, help="0 picks a free port"
)
@click.option("--in-process", is_flag=True, help="import the target here instead of a sandboxed child")
def serve(target: str | None, port: int, in_process: bool) -> None:
    """Serve TARGET (default: the robust reference) on a real WSGI server on 127.0.0.1, to explore by hand
    or in a browser. Submissions stay sandboxed unless --in-process."""
    from ..targets.live_server import LiveServer
    from ..targets.targets import DEFAULT_TARGET

    opened = _open(target or DEFAULT_TARGET, in_process)
    try:  # whenever Ctrl-C or SIGTERM comes, from here on the sandbox is closed
        try:
            server = LiveServer(opened.transport, port)
        except OSError as error:
            raise click.ClickException(f"cannot listen on 127.0.0.1:{port}: {error}") from None
        try:
            click.echo(f"Serving {opened.description} at {server.url} (Ctrl-C to stop)", err=False)
            sys.stdout.flush()
            server.server.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            server.server.server_close()
    finally:
        opened.close()


@main.command()
@click.argument("target")
@click.option("--out", required=True, type=click.Path(dir_okay=False, path_type=Path), help="the lock file to write")
@click.option("--in-process", is_flag=True, help="import the target here instead of a sandboxed child")
@click.option(
    "--rubric",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="a rubric whose [exercise] names the instructor's variant: the corpus follows it",
)
def lock(target: str, out: Path, in_process: bool, rubric: Path | None) -> None:
    """Record TARGET's answers to the lock corpus (the listed requirements' requests and a fixed-seed
    sample) in OUT; check later with pytest spec_tests --target TARGET --lock OUT (and the same --rubric)."""
    from ..data.exercise import use
    from ..targets.behaviour_lock import LockCheck

    try:
        use(load_rubric(rubric).exercise)
    except RubricError as error:
        raise click.UsageError(str(error)) from None

    opened = _open(target, in_process)
    if opened.kind == "url":  # a lock of 135 refused connections is no lock
        from ..data.exchange import Request
        from ..data.exercise import current

        answer = opened.transport.handle_request(Request("GET", current().login, f"{current().field}=alice"))
        if answer.status == 0:
            opened.close()
            raise click.UsageError(f"nothing answers at {target}: {answer.error}")
    logging.disable(logging.CRITICAL)  # an in-process app's own error log is not the kit's failure
    try:
        click.echo(LockCheck(opened.transport, target, out, update=True).run())
    finally:
        logging.disable(logging.NOTSET)
        opened.close()


def _open(target: str, in_process: bool) -> Target:
    """Open a target for a command, sandboxed unless ``in_process``; a load error is the command's error."""
    from ..targets.targets import TargetError, open_target
    from ..transports.loading import LoadError

    try:
        return open_target(target, isolate=False if in_process else None)
    except TargetError as error:
        raise click.UsageError(str(error)) from None
    except LoadError as error:
        raise click.ClickException(f"cannot load {target}: {error}") from None


@main.command(context_settings={"ignore_unknown_options": True})
@click.argument("target")
@click.option("--profile", type=click.Choice(PROFILES), default="tutorial", show_default=True)
@click.option("--results", type=click.Path(dir_okay=False, path_type=Path), help="also write results.json here")
@click.option(
    "--results-format",
    type=click.Choice(RESULT_FORMATS),
    default="gradescope",
    show_default=True,
    help="Gradescope's results.json, or PrairieLearn's external grader's (/grade/results/results.json)",
)
@click.option("--in-process", is_flag=True, help="import the target here instead of a sandboxed child")
@click.argument("pytest_arguments", nargs=-1, type=click.UNPROCESSED)
def check(
    target: str,
    profile: str,
    results: Path | None,
    results_format: str,
    in_process: bool,
    pytest_arguments: tuple[str, ...],
) -> None:
    """Run the spec against one TARGET (a .py file, a folder, module:attr, module:factory() or a URL),
    wherever the kit is installed: the same as python -m pytest --pyargs spec_tests --target TARGET.
    Further arguments go to pytest (-m "not browser", -x, ...). Exits with pytest's status."""
    import pytest

    from ..pytest_plugin.plugin import SPEC_DIRECTORY

    # The spec asserts nothing itself (checks fail through Client.fail), and this process has imported the
    # plugin already: no assertion rewriting, as in the batch.
    arguments = [
        str(SPEC_DIRECTORY),
        "--assert=plain",
        "-p",
        "flask_conformance.pytest_plugin.plugin",
        "-p",
        "no:cacheprovider",
    ]
    arguments += ["--target", target, "--conformance-profile", profile]
    arguments += ["--results", str(results), "--results-format", results_format] if results is not None else []
    arguments += ["--in-process"] if in_process else []
    sys.exit(int(pytest.main([*arguments, *pytest_arguments])))


def _shard(value: str | None) -> Shard | None:
    try:
        return None if value is None else Shard.parse(value)
    except ShardError as error:
        raise click.BadParameter(str(error)) from None


@main.command()
@click.argument("shards", nargs=-1, required=True, type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--out", required=True, type=click.Path(file_okay=False, path_type=Path), help="the merged gradebook")
def merge(shards: tuple[Path, ...], out: Path) -> None:
    """Merge the OUT folders of every shard of one class (grade --shard I/N) into one gradebook and class
    report. Refuses shards graded with different settings, of different classes, or with a shard missing."""
    try:
        records = merge_shards(list(shards), out)
    except ShardError as error:
        raise click.UsageError(str(error)) from None
    click.echo(f"{len(records)} submission(s) from {len(shards)} shard(s). See {out / 'grades.csv'}.")


@main.command()
@click.argument("results_file", metavar="RESULTS", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def summary(results_file: Path) -> None:
    """Print a results.json (Gradescope's format, as check --results writes it) as Markdown: the score, the
    likely causes and a row per requirement, for a CI job's summary ($GITHUB_STEP_SUMMARY)."""
    import json

    from ..grading.results_json import summary_markdown

    try:
        click.echo(summary_markdown(json.loads(results_file.read_text(encoding="utf-8"))), nl=False)
    except (ValueError, KeyError, TypeError):
        raise click.UsageError(f"{results_file} is not a results.json that check --results wrote") from None


@main.command()
@click.option("--out", required=True, type=click.Path(dir_okay=False, path_type=Path), help="the zip to write")
@click.option("--profile", type=click.Choice(PROFILES), default="tutorial", show_default=True)
@click.option("--rubric", type=click.Path(exists=True, dir_okay=False, path_type=Path), help="a TOML rubric")
@click.option(
    "--wheel",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="the kit's wheel to carry (default: built from the checkout the kit runs from)",
)
def gradescope(out: Path, profile: str, rubric: Path | None, wheel: Path | None) -> None:
    """Build a Gradescope autograder bundle: setup.sh installs the kit from the wheel inside, its
    dependencies pinned; run_autograder grades /autograder/submission into /autograder/results/results.json,
    the student's app sandboxed under a uid of its own."""
    from .gradescope_bundle import BundleError, build_bundle

    try:
        load_rubric(rubric)
        build_bundle(out, profile, rubric, wheel)
    except (RubricError, BundleError) as error:
        raise click.UsageError(str(error)) from None
    click.echo(f"wrote {out}: upload it as the assignment's autograder (Gradescope: Configure Autograder, zip).")


@main.command()
@click.argument("requirement_id", metavar="ID")
def explain(requirement_id: str) -> None:
    """Explain one requirement (LOGIN-405, NAMES-POST, ...): the lesson sentence or RFC section behind it,
    the spec tests that check it, and the learner mistakes that make it fail."""
    from .explanation import UnknownRequirement
    from .explanation import explain as explanation

    try:
        click.echo(explanation(requirement_id))
    except UnknownRequirement as error:
        raise click.UsageError(str(error)) from None


@main.command()
@click.argument("rubric_file", required=False, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--profile", type=click.Choice(PROFILES), default="tutorial", show_default=True)
@click.option("--show", is_flag=True, help="list each check with its points and visibility under RUBRIC_FILE")
def rubric(rubric_file: Path | None, profile: str, show: bool) -> None:
    """Document the rubric's keys, or (--show) list each check of the profile with the points and the
    visibility RUBRIC_FILE gives it (SPEC.md's defaults without one), and which checks students do not see."""
    from ..data.requirements import REQUIREMENTS, checked_ids
    from ..reading.rubric import KEYS

    if not show:
        click.echo(KEYS)
        return
    try:
        chosen = load_rubric(rubric_file)
    except RubricError as error:
        raise click.UsageError(str(error)) from None
    checked = checked_ids(profile)
    click.echo(f"{'requirement':22} {'points':>6}  {'visibility':15} title")
    totals = {"": 0.0, "browser": 0.0}
    for requirement_id, requirement in REQUIREMENTS.items():
        if requirement_id not in checked:
            continue
        note = " (grade --browser only)" if requirement.browser else ""
        if requirement_id in chosen.dropped:
            click.echo(f"{requirement_id:22} {'-':>6}  {'dropped':15} {requirement.title}{note}")
            continue
        points = chosen.points_for(requirement_id)
        totals["browser" if requirement.browser else ""] += points
        visibility = chosen.visibility_for(requirement_id)
        click.echo(f"{requirement_id:22} {points:>6g}  {visibility:15} {requirement.title}{note}")
    click.echo(
        f"total: {totals['']:g} points under profile {profile}, "
        f"{totals[''] + totals['browser']:g} with the browser checks (a single .py file or a URL has no "
        "login.html: no FORM-* or browser checks)"
    )
