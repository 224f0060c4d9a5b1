"""results.json in Gradescope's format or PrairieLearn's, written atomically."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..data.atomic_file import write_atomically
from .feedback import fenced, inline, likely_cause_hints
from .grading import Grade


def gradescope_results(grade: Grade) -> dict[str, Any]:
    """The grade in Gradescope's autograder format: one test per requirement that was checked.

    Gradescope knows two statuses, passed and failed. A requirement that does not apply to this kind of
    target (the form of a single-file or URL target) is neither: it is left out of ``tests``, worth
    nothing either way, and named in the top-level ``output``."""
    unchecked = [check for check in grade.checks if check.status == "skipped"]
    lines = [inline(grade.summary())]
    hints = likely_cause_hints(grade)
    if hints:
        lines += ["", "**Likely cause**", "", *(f"- {hint}" for hint in hints)]
    if unchecked:
        lines += ["", "Not checked for this kind of target: " + inline("; ".join(
            f"{check.requirement_id} ({check.messages[0] if check.messages else 'no form page'})" for check in unchecked
        ))]  # fmt: skip
    return {
        "score": grade.score,
        "max_score": grade.max_score,
        "execution_time": round(grade.execution_time, 3),
        "output": "\n".join(lines),
        "visibility": "visible",
        # Markdown, so that Gradescope renders the hints: what a submission sent is escaped on one line or
        # sits in a fence it cannot close, as in feedback.md.
        "output_format": "md",
        "test_output_format": "md",
        "extra_data": dict(grade.extra),
        "tests": [
            {
                "name": f"{check.requirement_id}: {check.title}",
                "number": str(number),
                "score": check.score,
                "max_score": check.max_score,
                # Gradescope knows passed and failed: a grader error keeps its points, tagged for a regrade.
                "status": "failed" if check.status == "failed" else "passed",
                "output": "\n".join(fenced("\n\n".join(check.messages))) if check.messages else "Passed.",
                "visibility": check.visibility,
                "tags": [check.requirement_id, grade.profile]
                + (["grader-error"] if check.status == "grader-error" else []),
            }
            for number, check in enumerate(grade.checked, start=1)
        ],
    }


def prairielearn_results(grade: Grade) -> dict[str, Any]:
    """The grade in PrairieLearn's external-grader format (docs/externalGrading.md, "Grading results"): a
    score from 0 to 1 and one test per checked requirement with its points. An app that cannot be loaded is
    not gradable, as PrairieLearn means it: no points lost, no attempt spent, the reason in
    ``format_errors``."""
    if grade.load_error:
        return {"gradable": False, "format_errors": [grade.load_error], "message": grade.summary()}
    hints = likely_cause_hints(grade)
    return {
        "gradable": True,
        "score": round(grade.score / grade.max_score, 4) if grade.max_score else 0.0,
        "message": grade.summary() + ("\nLikely cause:\n" + "\n".join(f"- {hint}" for hint in hints) if hints else ""),
        "tests": [
            {
                "name": check.requirement_id,
                "description": check.title,
                "points": check.score,
                "max_points": check.max_score,
                "message": "Passed." if check.status == "passed" else check.status,
                "output": "\n\n".join(check.messages),  # PrairieLearn shows it as preformatted text
            }
            for check in grade.checked
        ],
    }


WRITERS = {"gradescope": gradescope_results, "prairielearn": prairielearn_results}
RESULT_FORMATS = tuple(WRITERS)


def write_results(path: Path, grade: Grade, results_format: str = "gradescope") -> None:
    results = WRITERS[results_format](grade)
    write_atomically(path, json.dumps(results, indent=2, ensure_ascii=False) + "\n")


def summary_markdown(results: dict[str, Any]) -> str:
    """A Gradescope results.json as a job summary: the score, the top-level output (the likely causes, already
    Markdown), and one row per requirement. Every value read from the file is escaped on its way into the
    table."""
    lines = [f"### flask-conformance: {results['score']:g} / {results['max_score']:g}", "", str(results["output"]), ""]
    lines += ["| requirement | points | result |", "|---|---|---|"]
    for test in results["tests"]:
        points = f"{test['score']:g} / {test['max_score']:g}"
        lines.append(f"| {inline(str(test['name']))} | {points} | {inline(str(test['status']))} |")
    return "\n".join(lines) + "\n"
