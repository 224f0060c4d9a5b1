"""report.html: an offline class report with a score histogram, pass rates and a sortable table.

The page is the Jinja2 template ``templates/report.html``, rendered with autoescape: names, statuses and
titles are escaped by Jinja, never by hand.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jinja2

from .atomic_file import write_atomically
from .requirements import REQUIREMENTS

COLOURS = {"bar": "#3b6ea8", "fail": "#c0392b"}
BINS = 10
_TEMPLATES = jinja2.Environment(
    loader=jinja2.PackageLoader("flask_conformance", "templates"),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
)


def _results(out: Path, name: str) -> dict[str, Any]:
    try:
        data = json.loads((out / name / "results.json").read_text(encoding="utf-8"))
        return data if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}


def class_report_html(out: Path, records: list[Any], profile: str) -> str:
    fractions = [record.score / record.max_score if record.max_score else 0.0 for record in records]
    counts = [0] * BINS
    for fraction in fractions:
        counts[min(BINS - 1, int(fraction * BINS))] += 1
    tallies: dict[str, list[int]] = {}
    for record in records:
        for test in _results(out, record.name).get("tests", []):
            requirement_id = test.get("tags", [""])[0]
            if requirement_id not in REQUIREMENTS:
                continue
            passed, total = tallies.setdefault(requirement_id, [0, 0])
            tallies[requirement_id] = [passed + (test.get("status") == "passed"), total + 1]
    return _TEMPLATES.get_template("report.html").render(
        records=records,
        profile=profile,
        mean=sum(fractions) / len(fractions) if fractions else 0.0,
        regrade=[record for record in records if record.status.startswith("grader-error")],
        counts=counts,
        top=max([*counts, 1]),
        rates=[(rid, REQUIREMENTS[rid].title, passed / total) for rid, (passed, total) in tallies.items() if total],
        colours=COLOURS,
    )


def write_class_report(out: Path, records: list[Any], profile: str) -> None:
    write_atomically(out / "report.html", class_report_html(out, records, profile))
