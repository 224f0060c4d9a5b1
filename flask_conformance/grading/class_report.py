"""report.html: an offline class report with a score histogram, pass rates and a sortable table.

The page is the Jinja2 template ``templates/report.html``, rendered with autoescape: names, statuses and
titles are escaped by Jinja, never by hand. The charts are matplotlib's SVG (``report_charts``), inlined.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from markupsafe import Markup

from ..data.atomic_file import write_atomically
from ..data.requirements import REQUIREMENTS
from .feedback import HTML_PAGES, MARKDOWN
from .mistakes import CATALOGUE
from .report_charts import histogram_svg, pass_rate_svg


def _results(out: Path, name: str) -> dict[str, Any]:
    try:
        data = json.loads((out / name / "results.json").read_text(encoding="utf-8"))
        return data if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}


def common_mistakes(records: list[Any]) -> list[tuple[str, Markup, list[str]]]:
    """The catalogue's mistakes this class made: (key, what it looks like, who), most students first, in
    the lesson's order among equals. Where an instructor decides what to teach again."""
    rows = [
        (mistake.key, Markup(MARKDOWN.renderInline(mistake.looks_like)), names)  # the kit's own words
        for mistake in CATALOGUE
        if (names := [record.name for record in records if mistake.key in getattr(record, "mistakes", ())])
    ]
    return sorted(rows, key=lambda row: -len(row[2]))


def class_report_html(out: Path, records: list[Any], profile: str) -> str:
    fractions = [record.score / record.max_score if record.max_score else 0.0 for record in records]
    tallies: dict[str, list[int]] = {}
    for record in records:
        for test in _results(out, record.name).get("tests", []):
            requirement_id = test.get("tags", [""])[0]
            if requirement_id not in REQUIREMENTS:
                continue
            passed, total = tallies.setdefault(requirement_id, [0, 0])
            tallies[requirement_id] = [passed + (test.get("status") == "passed"), total + 1]
    return HTML_PAGES.get_template("report.html").render(
        records=records,
        profile=profile,
        mean=sum(fractions) / len(fractions) if fractions else 0.0,
        regrade=[record for record in records if record.status.startswith("grader-error")],
        common=common_mistakes(records),
        # the kit's own SVG: no text in it comes from a submission
        histogram=Markup(histogram_svg(fractions)),
        pass_rates=Markup(pass_rate_svg([(rid, passed / total) for rid, (passed, total) in tallies.items() if total])),
    )


def write_class_report(out: Path, records: list[Any], profile: str) -> None:
    write_atomically(out / "report.html", class_report_html(out, records, profile))
