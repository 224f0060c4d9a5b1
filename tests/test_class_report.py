"""The class report renders in a real browser: charts with bars, a table that sorts."""

from __future__ import annotations

import shutil

import pytest
from click.testing import CliRunner

from conftest import IMPLEMENTATIONS, chromium_page
from flask_conformance.commands.cli import main


@pytest.mark.browser
def test_report_renders_charts_and_sorts(tmp_path):
    folder = tmp_path / "class"
    folder.mkdir()
    for name in ("status_307.py", "welcome_typo.py", "get_only.py"):
        shutil.copy(IMPLEMENTATIONS / "wrong" / name, folder / name)
    shutil.copytree(IMPLEMENTATIONS / "correct" / "templated", folder / "templated")
    out = tmp_path / "out"
    assert CliRunner().invoke(main, ["grade", str(folder), "--out", str(out)]).exit_code == 0
    with chromium_page() as page:
        page.goto((out / "report.html").as_uri())
        bars = page.locator("#histogram g[id^='bar-'] path")
        heights = [bars.nth(index).bounding_box()["height"] for index in range(bars.count())]
        assert bars.count() == 10 and sum(height > 0 for height in heights) >= 2
        rates = page.locator("#pass-rates g[id^='bar-'] path")
        assert rates.count() == 20
        assert all(rates.nth(index).bounding_box()["width"] >= 1 for index in range(rates.count()))
        page.locator("th", has_text="score").click()
        first = page.locator("#submissions tbody tr").first.locator("td").nth(1).inner_text()
        page.locator("th", has_text="score").click()
        last_first = page.locator("#submissions tbody tr").first.locator("td").nth(1).inner_text()
        assert float(first) < float(last_first)
        screenshot = out / "report.png"
        page.screenshot(path=str(screenshot), full_page=True)
        mistakes = page.locator("#mistakes tbody tr")
        rows = [mistakes.nth(index).locator("td").all_inner_texts() for index in range(mistakes.count())]
        assert rows == [  # one student each: the lesson's order
            ["post-not-allowed", "POST /login is a 405: methods lacks POST", "1", "get_only"],
            ["redirect-status", "a 301, 307 or 308 where redirect() gives 302", "1", "status_307"],
            ["greeting-text", "the name is shown, in other words than welcome <name>", "1", "welcome_typo"],
        ]
        page.locator("#mistakes a", has_text="status_307").click()  # a student's feedback opens rendered
        assert page.locator("h1").inner_text() == "Feedback for status_307"
        assert page.locator("h2").first.inner_text() == "Likely cause"
    assert screenshot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and screenshot.stat().st_size > 20_000


def test_report_escapes_what_a_submission_wrote(tmp_path):
    """Statuses quote a submission's own error text: the template's autoescape keeps it text."""
    from flask_conformance.commands.records import Record
    from flask_conformance.grading.class_report import class_report_html

    attack = "<img src=x onerror=alert(1)>"
    records = [Record("ann", 0, 5, 0, 5, f"load-error: {attack}", 1.0), Record("ben", 5, 5, 5, 0, "graded", 1.0)]
    page = class_report_html(tmp_path, records, "tutorial")
    assert attack not in page and "&lt;img src=x onerror=alert(1)&gt;" in page
    assert page.startswith("<!doctype html>") and page.count("<tr><td>") == 2


def test_charts_are_matplotlib_svg_that_follow_the_data():
    import re

    from flask_conformance.grading.report_charts import COLOURS, histogram_svg, pass_rate_svg

    histogram = histogram_svg([0.05, 0.95, 0.97])
    assert histogram.startswith('<svg id="histogram"') and "Matplotlib" in histogram
    assert len(re.findall(r'<g id="bar-\d+">', histogram)) == 10
    assert histogram == histogram_svg([0.05, 0.95, 0.97])  # the same class, the same bytes
    rates = pass_rate_svg([("LOGIN-GET", 0.9), ("WELCOME", 0.2)])
    assert len(re.findall(r'<g id="bar-\d+">', rates)) == 2
    assert COLOURS["fail"] in rates and COLOURS["bar"] in rates
    assert "90%" in rates and "20%" in rates


def test_a_students_feedback_page_shows_what_their_app_sent_as_text():
    """feedback.md escapes what a submission sent; the page renders it with raw HTML off, so even text that
    got past the escaping is shown, never run, and no link leads to script."""
    from flask_conformance.grading.feedback import feedback_html

    markdown = "# Feedback for ann\n\n<script>alert(1)</script>\n\n[click](javascript:alert(1))\n\n```\n<b>x</b>\n```\n"
    page = feedback_html("ann<i>", markdown)
    assert "<script>" not in page and 'href="javascript:' not in page and "<b>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "&lt;b&gt;x&lt;/b&gt;" in page
    assert "<title>Feedback for ann&lt;i&gt;</title>" in page and "<h1>Feedback for ann</h1>" in page
