"""feedback.md: what a student reads about their own submission."""

from __future__ import annotations

import re

import jinja2
from markdown_it import MarkdownIt
from markupsafe import Markup

from ..data.curl import printable
from .grading import Grade
from .mistakes import likely_causes

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
_SAFE_NAME = re.compile(r"[\w.-]+")
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+!|~&])")


def _ticks_beyond(text: str, at_least: int) -> str:
    """A run of backticks longer than any in ``text``, and at least ``at_least`` long."""
    return "`" * max(at_least, max((len(run) for run in _BACKTICKS.findall(text)), default=0) + 1)


def _one_line(text: str) -> str:
    return " ".join(printable(text).split())


def fenced(text: str) -> list[str]:
    """``text`` as a code block it cannot break out of: its fence is longer than any run of backticks in it,
    and nothing inside a code block is read as Markdown or HTML."""
    text = printable(text.strip("\n"))
    fence = _ticks_beyond(text, 3)
    return [fence, text, fence]


def code_span(text: str) -> str:
    """``text`` on one line as Markdown code, between backtick runs longer than any inside it: nothing in
    a code span is read as Markdown or HTML."""
    text = _one_line(text)
    ticks = _ticks_beyond(text, 1)
    return f"{ticks} {text} {ticks}"


def inline(text: str) -> str:
    """``text`` on one line of Markdown, every character that could start markup escaped."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", _one_line(text))


def _markdown_text(value: object) -> object:
    """Jinja's finalize: a value is Markdown-escaped text unless a filter made it ``Markup`` (a fenced block,
    an image the kit named)."""
    return value if isinstance(value, Markup) else inline(str(value))


def _image(shot: str) -> Markup:
    return Markup(f"![{shot}]({shot})")  # SCREENSHOT matched it: the kit's own file name, nothing else


_TEMPLATES = jinja2.Environment(
    loader=jinja2.PackageLoader("flask_conformance", "templates"),
    autoescape=False,  # Markdown, not HTML: _markdown_text escapes every value instead
    finalize=_markdown_text,
    trim_blocks=True,
    lstrip_blocks=True,
    undefined=jinja2.StrictUndefined,
)
_TEMPLATES.filters["fenced"] = lambda text: Markup("\n".join(fenced(str(text))))
_TEMPLATES.filters["screenshots"] = lambda message: SCREENSHOT.findall(message)[-1:]  # a message's last one
# The batch names a submission with letters, digits, _ . - only: shown as it is, anything else escaped.
_TEMPLATES.filters["submission_name"] = lambda name: Markup(name) if _SAFE_NAME.fullmatch(name) else inline(name)
_TEMPLATES.filters["image"] = _image


# CommonMark with raw HTML off: whatever got past feedback_markdown's escaping is shown as text, and
# markdown-it refuses javascript:, vbscript: and file: links by itself.
MARKDOWN = MarkdownIt("commonmark", {"html": False})
HTML_PAGES = jinja2.Environment(  # feedback.html and report.html: every value autoescaped
    loader=jinja2.PackageLoader("flask_conformance", "templates"),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
)


def feedback_html(name: str, markdown: str) -> str:
    """feedback.md as a page of its own: what a student opens from the class report."""
    body = Markup(MARKDOWN.render(markdown))  # markdown-it escapes every text it renders
    return HTML_PAGES.get_template("feedback.html").render(name=name, body=body)


def likely_cause_hints(grade: Grade) -> list[Markup]:
    """The hints for the mistakes the visible failed checks show, as Markdown: the kit's words, with what
    they quote from the submission in code spans."""
    causes = likely_causes(grade.failure_messages(SHOWN), grade.exercise)
    return [Markup(cause.text(show=code_span, words=grade.exercise.words)) for cause in causes]


def feedback_markdown(name: str, grade: Grade) -> str:
    """Visible checks only: hidden and later-released ones are counted, not described."""
    shown = [check for check in grade.checks if check.visibility in SHOWN]
    markdown = _TEMPLATES.get_template("feedback.md").render(
        name=name,
        grade=grade,
        likely=likely_cause_hints(grade),
        ran_out_in=grade.extra.get("time_ran_out_in", ""),
        failed=[check for check in shown if check.status == "failed"],
        regrade=[check for check in shown if check.status == "grader-error"],
        passed=[check for check in shown if check.status == "passed"],
        skipped=[check for check in shown if check.status == "skipped"],
        withheld=[
            Markup(sentence.format(count=count))  # the kit's own words
            for visibility, sentence in WITHHELD.items()
            if (count := sum(check.visibility == visibility for check in grade.checks))
        ],
    )
    return markdown.rstrip("\n") + "\n"  # one newline at the end, as a text file has
