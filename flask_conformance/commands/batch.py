"""Batch grading: every submission in a folder, each in a grading child forked from a warm grader.

The grader imports pytest, Flask, Hypothesis and the spec once, and configures
pytest and collects the spec once (``batch_session``); each submission is
graded in a child forked from it, which runs the collected checks with the
submission as a sandboxed target and writes its results atomically. A submission that
takes too long is killed and recorded as a timeout. grades.csv is rewritten
after every submission, so an interruption loses nothing already finished."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from ..data.tree_removal import remove_tree
from ..reading.archives import ArchiveError, extract, is_archive
from .batch_session import grade_in_one_session
from .discovery import Submission, find_submissions
from .grading_run import (
    BatchOptions,
    failed_record,
    grading_settings,
    warm_up,
)
from .records import Record, read_record, write_grades_csv, write_record
from .shards import Shard, write_manifest


def run_batch(
    folder: Path,
    out: Path,
    options: BatchOptions,
    progress: Callable[[int, int, Record | None], None] | None = None,
    notify: Callable[[str], None] | None = None,
    shard: Shard | None = None,
) -> list[Record]:
    """Grade every submission in ``folder`` (or, given a ``shard``, its share of them) into ``out``; returns
    one record per submission graded."""
    everyone, ignored = find_submissions(folder, out)
    submissions = [submission for submission in everyone if shard is None or shard.holds(submission.name)]
    if ignored and notify is not None:
        notify(
            f"ignored in {folder}: {', '.join(ignored[:10])}"
            + (f" and {len(ignored) - 10} more" if ignored[10:] else "")
        )
    out.mkdir(parents=True, exist_ok=True)
    records: dict[str, Record] = {}
    pending = []
    settings = grading_settings(options)
    write_manifest(out, [submission.name for submission in everyone], shard, settings)
    changed: set[str] = set()
    regraded = 0
    for submission in submissions:
        existing = read_record(out, submission.name) if options.resume else None
        if existing is not None and existing.graded_with == settings:
            records[submission.name] = existing
            continue
        pending.append(submission)
        if existing is not None:  # never mixed into one gradebook: regraded, and said so
            regraded += 1
            changed |= {key for key, value in settings.items() if existing.graded_with.get(key) != value}
    if regraded and notify is not None:
        notify(
            f"--resume: regrading {regraded} submission(s) graded with other settings ({', '.join(sorted(changed))})"
        )
    pending, refused = _unpacked(pending, out)
    warm_up(options.examples)
    order = [submission.name for submission in submissions]

    def finish(record: Record) -> None:
        records[record.name] = record
        write_grades_csv(out, [records[name] for name in order if name in records])
        if progress is not None:
            progress(len(records), len(submissions), record)

    if progress is not None:
        progress(len(records), len(submissions), None)
    for submission, reason in refused:  # an archive that cannot be opened: a grade of nothing, saying why
        remove_tree(out / submission.name)  # an earlier run's journal is not this archive's
        record = failed_record(submission, out, options, f"load-error: {reason}", 0.0, settings)
        write_record(out, record)
        finish(record)
    from ..sandbox import zygote

    zygote.start()  # a clean interpreter with Flask imported: each grading process forks its sandboxes warm
    try:
        grade_in_one_session(pending, out, options, settings, finish)
    finally:
        from ..sandbox.sandbox import remove_leftovers

        zygote.stop()
        remove_leftovers()  # the sandboxes of grading children killed at the time limit or by Ctrl-C
    write_grades_csv(out, [records[name] for name in order if name in records])
    from ..grading.class_report import write_class_report

    write_class_report(out, [records[name] for name in order], options.profile)
    return [records[name] for name in order]


ARCHIVES = ".archives"  # in the output folder: what each zip submission held, as graded


def _unpacked(pending: list[Submission], out: Path) -> tuple[list[Submission], list[tuple[Submission, str]]]:
    """The submissions to grade, each zip archive extracted into a folder of the output's (``ARCHIVES``) and
    graded as that folder; and the archives that cannot be, with the reason."""
    graded: list[Submission] = []
    refused: list[tuple[Submission, str]] = []
    for submission in pending:
        if not is_archive(submission.path):
            graded.append(submission)
            continue
        folder = out / ARCHIVES / submission.name
        remove_tree(folder)
        try:
            extract(submission.path, folder)
        except ArchiveError as error:
            remove_tree(folder)
            refused.append((submission, str(error)))
        else:
            graded.append(replace(submission, path=folder))
    return graded, refused
