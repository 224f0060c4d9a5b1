"""What the gradebook keeps of each submission: its record.json, its row of grades.csv, its status."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

from ..data.atomic_file import write_atomically
from ..grading.grading import Grade
from ..grading.mistakes import likely_causes

CSV_COLUMNS = ("name", "score", "max_score", "passed", "failed", "status", "seconds")


@dataclass
class Record:
    """What grades.csv says of one submission. ``status`` is ``graded``, or a word and the reason."""

    name: str
    score: float
    max_score: float
    passed: int
    failed: int
    status: str
    seconds: float
    peak_memory_mb: float = 0.0
    graded_with: dict[str, str] = field(default_factory=dict)  # see grading_settings()
    mistakes: list[str] = field(default_factory=list)  # the catalogue's keys its failures show (report.html)

    @classmethod
    def of(
        cls,
        name: str,
        result: Grade,
        status: str,
        seconds: float,
        *,
        peak_memory_mb: float = 0.0,
        graded_with: dict[str, str] | None = None,
    ) -> Record:
        """The record of a grade, finished or replayed from a journal."""
        counts = (result.score, result.max_score, result.passed, result.failed)
        # every check's failures, hidden ones too: the record is the instructor's
        mistakes = [cause.key for cause in likely_causes(result.failure_messages(), result.exercise)]
        return cls(name, *counts, status, round(seconds, 3), peak_memory_mb, graded_with or {}, mistakes)


def status_of(result: Grade, otherwise: str = "graded") -> str:
    """grades.csv's status of a grade: what stopped it, if anything did."""
    if result.load_error:
        return "load-error: " + result.load_error.splitlines()[0]  # the frames under it are in feedback.md
    if result.grader_errors:
        return "grader-error: " + result.grader_errors[0]
    if "time_ran_out_in" in result.extra:
        return (
            f"timeout: the time limit ran out during {result.extra['time_ran_out_in']}; "
            "the checks that finished before are kept"
        )
    return otherwise


def _record_path(out: Path, name: str) -> Path:
    return out / name / "record.json"


def read_record(out: Path, name: str) -> Record | None:
    try:
        return Record(**json.loads(_record_path(out, name).read_text(encoding="utf-8")))
    except (OSError, ValueError, TypeError):
        return None


def write_record(out: Path, record: Record) -> None:
    write_atomically(_record_path(out, record.name), json.dumps(asdict(record)) + "\n")


def write_grades_csv(out: Path, records: list[Record]) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for record in records:
        writer.writerow(
            [
                record.name,
                f"{record.score:g}",
                f"{record.max_score:g}",
                record.passed,
                record.failed,
                " ".join(record.status.split()),
                f"{record.seconds:.2f}",
            ]
        )
    write_atomically(out / "grades.csv", buffer.getvalue())
