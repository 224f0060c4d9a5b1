"""Gradescope's results.json, written atomically, and read back."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .atomic_file import write_atomically
from .grading import Grade


def gradescope_results(grade: Grade) -> dict[str, Any]:
    """The grade in Gradescope's autograder format: one test per requirement."""
    return {
        "score": grade.score,
        "max_score": grade.max_score,
        "execution_time": round(grade.execution_time, 3),
        "output": grade.summary(),
        "visibility": "visible",
        # Plain text, never Markdown or HTML: outputs quote what submissions sent.
        "output_format": "text",
        "test_output_format": "text",
        "extra_data": dict(grade.extra),
        "tests": [
            {
                "name": f"{check.requirement_id}: {check.title}",
                "number": str(number),
                "score": check.score,
                "max_score": check.max_score,
                "status": "failed" if check.status == "failed" else "passed",
                "output": "\n\n".join(check.messages) if check.messages else _passed_text(check.status),
                "visibility": check.visibility,
                "tags": [check.requirement_id, grade.profile] + (["skipped"] if check.status == "skipped" else []),
            }
            for number, check in enumerate(grade.checks, start=1)
        ],
    }


def _passed_text(status: str) -> str:
    return "Passed." if status == "passed" else "Not checked for this kind of target."


def write_results(path: Path, grade: Grade) -> None:
    write_atomically(path, json.dumps(gradescope_results(grade), indent=2, ensure_ascii=False) + "\n")
