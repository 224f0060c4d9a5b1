"""feedback.md: what a student reads about their own submission."""

from __future__ import annotations

import re

from .grading import Grade

SHOWN = ("visible",)
SCREENSHOT = re.compile(r"screenshot: (\S+\.png)")


def feedback_markdown(name: str, grade: Grade) -> str:
    """Visible checks only: hidden and later-released ones are counted, not described."""
    lines = [f"# Feedback for {name}", ""]
    if grade.load_error:
        lines += ["The grader could not load your app, so no check could run:", "", "```", grade.load_error, "```", ""]
    lines += [f"**Score: {grade.score:g} / {grade.max_score:g}** (profile `{grade.profile}`)", ""]
    shown = [check for check in grade.checks if check.visibility in SHOWN]
    failed = [check for check in shown if check.status == "failed"]
    passed = [check for check in shown if check.status == "passed"]
    skipped = [check for check in shown if check.status == "skipped"]
    if failed and not grade.load_error:
        lines += ["## To fix", ""]
        for check in failed:
            lines += [f"### {check.requirement_id}: {check.title} (0 / {check.max_score:g})", ""]
            for message in check.messages:
                lines += ["```", message.strip(), "```", ""]
                lines += [f"What the browser saw: ![{shot}]({shot})\n" for shot in SCREENSHOT.findall(message)]
    if passed:
        lines += ["## Passed", ""] + [f"- {c.requirement_id}: {c.title} ({c.score:g})" for c in passed] + [""]
    if skipped:
        lines += ["## Not checked", ""]
        lines += [f"- {c.requirement_id}: {(c.messages or ('not checked',))[0]}" for c in skipped] + [""]
    hidden = len(grade.checks) - len(shown)
    if hidden:
        lines += [f"{hidden} more check(s) will be shown after grades are released.", ""]
    return "\n".join(lines)
