"""The feedback of every wrong implementation in tests/: each feedback.md is a reviewed snapshot (syrupy), it
reads top-down, and it names no path or flag of the grader. A change to what any student reads shows up as
a diff in review. After a deliberate change, run ``pytest tests/test_feedback_snapshots.py --snapshot-update``
and review the diff of tests/__snapshots__/test_feedback_snapshots/.

The feedback is the one a batch writes (the grade, ``for_students``), from the runs the other tests make of
the same implementation with the same arguments, so that nothing is graded twice: in-process for the apps
that answer (a folder's with its browser checks, as ``grade --browser`` grades it), in the sandbox for those
that raise or cannot load, whose frames and load errors come from it.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from syrupy.extensions.single_file import SingleFileSnapshotExtension, WriteMode

from conftest import IMPLEMENTATIONS, ROOT, SpecRun, run_spec
from flask_conformance.transports.loading import for_students

# folder of implementations -> the arguments of its runs (besides --target), as the other tests make them
RUNS = {
    "wrong": ("--in-process", "--conformance-profile", "tutorial"),  # test_spec_catches_mistakes.py
    "mistakes": ("--in-process", "--conformance-profile", "tutorial"),  # test_mistakes.py
    "robust_wrong": ("--in-process", "--conformance-profile", "robust"),  # test_spec_catches_mistakes.py
    "raising": ("-m", "not browser"),  # test_app_exceptions.py, sandboxed
    "broken": ("--startup-timeout", "2", "-m", "not browser"),  # test_load_errors.py, sandboxed
}
NOT_FEEDBACK = {"slow_pages.py"}  # a page that stalls until the time limit: test_killed_graders.py times it


class MarkdownSnapshot(SingleFileSnapshotExtension):
    """One .md file per snapshot, as the student reads it: a review shows the diff of the feedback itself."""

    _write_mode = WriteMode.TEXT
    file_extension = "md"


def implementations() -> list[str]:
    return [
        f"{folder}/{path.name}"
        for folder in RUNS
        for path in sorted((IMPLEMENTATIONS / folder).iterdir())
        if not path.name.startswith(("_", ".")) and path.name not in NOT_FEEDBACK
    ]


def graded(pytester: pytest.Pytester, implementation: str) -> SpecRun:
    folder = implementation.split("/")[0]
    return run_spec(pytester, "--target", str(IMPLEMENTATIONS / implementation), *RUNS[folder])


@pytest.mark.parametrize(
    "implementation", implementations(), ids=lambda implementation: implementation.replace("/", "-")
)
def test_feedback_is_the_reviewed_snapshot(pytester, snapshot, implementation):
    feedback = graded(pytester, implementation).feedback
    assert feedback.endswith("\n") and not feedback.endswith("\n\n")
    assert feedback == snapshot.use_extension(MarkdownSnapshot)


def snapshot_of(implementation: str) -> str:
    folder = Path(__file__).parent / "__snapshots__" / Path(__file__).stem
    name = f"test_feedback_is_the_reviewed_snapshot[{implementation.replace('/', '-')}].md"
    return (folder / name).read_text(encoding="utf-8")


def test_the_readme_shows_a_real_feedback_file():
    """The README's example is a snapshot, word for word: it cannot drift from what the kit writes."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    marker = "<!-- feedback: mistakes/two_mistakes.py -->\n````markdown\n"
    assert readme.split(marker, 1)[1].split("````\n", 1)[0] == snapshot_of("mistakes/two_mistakes.py")


def test_feedback_names_the_cause_first_once(pytester):
    feedback = graded(pytester, "raising/missing_import.py").feedback
    hint = "- ` request ` is used but never imported"
    assert feedback.count("## Likely cause") == 1 and feedback.count(hint) == 1
    assert (
        feedback.index("**Score:")
        < feedback.index("## Likely cause")
        < feedback.index(hint)
        < feedback.index("## To fix")
    )


def test_feedback_on_two_mistakes_reads_top_down(pytester):
    """Score, then the causes in the lesson's order, then what to fix in that order, then the details: a
    student reads what to do first before any list of what passed."""
    lines = graded(pytester, "mistakes/two_mistakes.py").feedback.splitlines()
    outline = [line.split(" (")[0] for line in lines if line.startswith(("#", "**Score", "- Your", "- The page"))]
    assert outline == [
        "# Feedback for two_mistakes",
        "**Score: 64 / 73**",
        "## Likely cause",
        "- Your redirect answers ` 307 `. `redirect(url_for(...))` with no `code=` gives 302, as in the lesson.",
        "- The page should say `welcome <name>` and nothing else around the name, as the lesson's `'welcome %s' % "
        "name`: yours says ` hello alice `.",
        "## To fix",
        "### REDIRECT-STATUS: /login answers directly with 302 or 303",
        "### WELCOME: GET /success/\\<name\\> is 200 and shows welcome \\<name\\>",
        "## Passed",
        "## Not checked",
    ]


# A path on the grading machine or in its sandbox (/app): a student's files are named relative to the submission.
MACHINE_PATH = re.compile(
    r"(?<![\w.~-])/(?:app|tmp|run|root|work|home|var|proc|usr|opt|srv|autograder)\b|site-packages"
)
FLAG = re.compile(r"(?<![\w-])--[a-z]")


@pytest.mark.parametrize("implementation", implementations())
def test_feedback_names_no_path_of_the_grading_machine_and_no_flag_of_the_kit(pytester, implementation):
    """Load errors, exceptions and frames name the student's own files only (no sandbox workspace, no
    temporary folder, no kit source), and the only flags a student is shown are curl's, in a curl line: in
    feedback.md and in every check's results.json output."""
    run = graded(pytester, implementation)
    # results.json's outputs as the batch writes them: for_students, as feedback.md's
    for text in (run.feedback, *(for_students(output) for _, output in run.failures)):
        assert not MACHINE_PATH.search(text), MACHINE_PATH.search(text)
        assert str(pytester.path.parent) not in text
        flags = [line for line in text.splitlines() if FLAG.search(line) and "curl -i " not in line]
        assert not flags, flags
