"""feedback.md: what a student reads about their own submission."""

from __future__ import annotations

import re

from .grading import Grade

SHOWN = ("visible",)
# Gradescope's visibilities for what a student does not see yet, in its own meaning of each.
WITHHELD = {
    "after_due_date": "{count} more check(s) will be shown after the due date.",
    "after_published": "{count} more check(s) will be shown once your grades are published.",
    "hidden": "{count} more check(s) count towards your grade but are not shown to students.",
}
# The kit names its screenshots browser-<test>.png, in the student's own folder: no path, no link elsewhere.
SCREENSHOT = re.compile(r"; screenshot: (browser-[\w.-]+?\.png)")
_BACKTICKS = re.compile(r"`+")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\ud800-\udfff]")
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+!|~&])")


def fenced(text: str) -> list[str]:
    """``text`` as a code block it cannot break out of: its fence is longer than any run of backticks in it,
    and nothing inside a code block is read as Markdown or HTML."""
    text = _CONTROL.sub("\ufffd", text.strip("\n"))
    longest = max((len(run) for run in _BACKTICKS.findall(text)), default=0)
    fence = "`" * max(3, longest + 1)
    return [fence, text, fence]


def inline(text: str) -> str:
    """``text`` on one line of Markdown, every character that could start markup escaped."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", " ".join(_CONTROL.sub("\ufffd", text).split()))


def feedback_markdown(name: str, grade: Grade) -> str:
    """Visible checks only: hidden and later-released ones are counted, not described."""
    lines = [f"# Feedback for {name}", ""]
    if grade.load_error:
        lines += ["The grader could not load your app, so no check could run:", "", *fenced(grade.load_error), ""]
    if "time_ran_out_in" in grade.extra:
        lines += [
            f"Your app used up the grader's time during {grade.extra['time_ran_out_in']}: the checks that "
            "finished before keep their result, the ones after could not run. Is a page slow, or waiting?",
            "",
        ]
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
                lines += [*fenced(message), ""]
                lines += [f"What the browser saw: ![{shot}]({shot})\n" for shot in SCREENSHOT.findall(message)[-1:]]
    regrade = [check for check in shown if check.status == "grader-error"]
    if regrade:
        lines += ["## Not yet checked (the grader's fault, not yours)", ""]
        lines += [f"- {c.requirement_id}: {inline(c.messages[0] if c.messages else 'to be regraded')}" for c in regrade]
        lines += [""]
    if passed:
        lines += ["## Passed", ""] + [f"- {c.requirement_id}: {c.title} ({c.score:g})" for c in passed] + [""]
    if skipped:
        lines += ["## Not checked", ""]
        lines += [f"- {c.requirement_id}: {inline((c.messages or ('not checked',))[0])}" for c in skipped] + [""]
    for visibility, sentence in WITHHELD.items():
        count = sum(check.visibility == visibility for check in grade.checks)
        if count:
            lines += [sentence.format(count=count), ""]
    return "\n".join(lines)
