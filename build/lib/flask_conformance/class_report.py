"""report.html: an offline class report with a score histogram, pass rates and a sortable table."""

from __future__ import annotations

import html
import json
from pathlib import Path
from typing import Any

from .atomic_file import write_atomically
from .requirements import REQUIREMENTS

BAR = "#3b6ea8"
FAIL = "#c0392b"


def _results(out: Path, name: str) -> dict[str, Any]:
    try:
        data = json.loads((out / name / "results.json").read_text(encoding="utf-8"))
        return data if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}


def histogram_svg(fractions: list[float], bins: int = 10) -> str:
    counts = [0] * bins
    for fraction in fractions:
        counts[min(bins - 1, int(fraction * bins))] += 1
    top = max([*counts, 1])
    width, height, gap = 56, 180, 6
    bars = []
    for index, count in enumerate(counts):
        bar_height = round(height * count / top)
        x = index * width + gap
        bars.append(
            f'<rect class="bar" x="{x}" y="{height - bar_height + 20}" width="{width - 2 * gap}" '
            f'height="{bar_height}" fill="{BAR}"><title>{count} submission(s)</title></rect>'
            f'<text x="{x + (width - 2 * gap) / 2}" y="{height + 38}" font-size="11" text-anchor="middle">'
            f"{index * 100 // bins}–{(index + 1) * 100 // bins}%</text>"
            f'<text x="{x + (width - 2 * gap) / 2}" y="{height - bar_height + 14}" font-size="12" '
            f'text-anchor="middle">{count}</text>'
        )
    return (
        f'<svg id="histogram" role="img" aria-label="Score histogram" width="{bins * width + 2 * gap}" '
        f'height="{height + 50}" xmlns="http://www.w3.org/2000/svg">{"".join(bars)}</svg>'
    )


def pass_rate_svg(rates: list[tuple[str, str, float]]) -> str:
    row, label, width = 26, 190, 420
    parts = []
    for index, (requirement_id, title, rate) in enumerate(rates):
        y = index * row + 6
        colour = BAR if rate >= 0.5 else FAIL
        parts.append(
            f'<text x="{label - 8}" y="{y + 15}" font-size="12" text-anchor="end">{html.escape(requirement_id)}</text>'
            f'<rect x="{label}" y="{y}" width="{width}" height="{row - 8}" fill="#eee"/>'
            f'<rect class="bar" x="{label}" y="{y}" width="{max(1, round(width * rate))}" height="{row - 8}" '
            f'fill="{colour}"><title>{html.escape(title)}</title></rect>'
            f'<text x="{label + width + 8}" y="{y + 15}" font-size="12">{rate:.0%}</text>'
        )
    return (
        f'<svg id="pass-rates" role="img" aria-label="Pass rate per requirement" width="{label + width + 60}" '
        f'height="{len(rates) * row + 12}" xmlns="http://www.w3.org/2000/svg">{"".join(parts)}</svg>'
    )


SORT_SCRIPT = """
document.querySelectorAll('th').forEach((th, column) => th.addEventListener('click', () => {
  const body = th.closest('table').tBodies[0];
  const ascending = th.dataset.order !== 'ascending';
  th.dataset.order = ascending ? 'ascending' : 'descending';
  const value = row => row.cells[column].dataset.value ?? row.cells[column].textContent;
  const rows = [...body.rows].sort((a, b) => {
    const x = value(a), y = value(b);
    const order = isNaN(x) || isNaN(y) ? x.localeCompare(y) : x - y;
    return ascending ? order : -order;
  });
  rows.forEach(row => body.appendChild(row));
}));
"""


def class_report_html(out: Path, records: list[Any], profile: str) -> str:
    results = {record.name: _results(out, record.name) for record in records}
    fractions = [record.score / record.max_score if record.max_score else 0.0 for record in records]
    tallies: dict[str, list[int]] = {}
    for data in results.values():
        for test in data.get("tests", []):
            requirement_id = test.get("tags", [""])[0]
            if "skipped" in test.get("tags", []) or requirement_id not in REQUIREMENTS:
                continue
            passed, total = tallies.setdefault(requirement_id, [0, 0])
            tallies[requirement_id] = [passed + (test.get("status") == "passed"), total + 1]
    rates = [(rid, REQUIREMENTS[rid].title, passed / total) for rid, (passed, total) in tallies.items() if total]
    rows = "".join(
        f'<tr><td><a href="{html.escape(record.name)}/feedback.md">{html.escape(record.name)}</a></td>'
        f'<td data-value="{record.score}">{record.score:g}</td><td>{record.max_score:g}</td>'
        f"<td>{record.passed}</td><td>{record.failed}</td><td>{html.escape(record.status)}</td>"
        f"<td>{record.seconds:.2f}</td></tr>"
        for record in records
    )
    mean = sum(fractions) / len(fractions) if fractions else 0.0
    regrade = [record for record in records if record.status.startswith("grader-error")]
    regrade_section = (
        "<section><h2>Needs a regrade</h2><p>The grader, not the student, failed on these: "
        + ", ".join(f"<code>{html.escape(record.name)}</code>" for record in regrade)
        + ". Fix the cause in the status column, then run again with <code>--resume</code>.</p></section>"
        if regrade
        else ""
    )
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Class report</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 2rem; color: #222; }}
table {{ border-collapse: collapse; }} th, td {{ border: 1px solid #ccc; padding: .3rem .6rem; text-align: left; }}
th {{ cursor: pointer; background: #f3f3f3; }} section {{ margin-bottom: 2rem; }}
</style></head><body>
<h1>Class report</h1>
<p>{len(records)} submission(s), profile <code>{html.escape(profile)}</code>, mean score {mean:.0%}.</p>
{regrade_section}
<section><h2>Scores</h2>{histogram_svg(fractions)}</section>
<section><h2>Pass rate per requirement</h2>
<p>Requirements most of the class missed are in red: the place to explain again.</p>{pass_rate_svg(rates)}</section>
<section><h2>Submissions</h2><table id="submissions"><thead><tr><th>name</th><th>score</th><th>max</th>
<th>passed</th><th>failed</th><th>status</th><th>seconds</th></tr></thead><tbody>{rows}</tbody></table></section>
<script>{SORT_SCRIPT}</script>
</body></html>
"""


def write_class_report(out: Path, records: list[Any], profile: str) -> None:
    write_atomically(out / "report.html", class_report_html(out, records, profile))
