"""The feedback of every wrong implementation in tests/, graded as a class: each feedback.md is a reviewed
snapshot (syrupy), it reads top-down, and it names no path or flag of the grader. A change to
what any student reads shows up as a diff in review. After a deliberate change, run
``pytest tests/test_feedback_snapshots.py --snapshot-update`` and review the diff of
tests/__snapshots__/test_feedback_snapshots/."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from syrupy.extensions.single_file import SingleFileSnapshotExtension, WriteMode

from conftest import IMPLEMENTATIONS, ROOT
from flask_conformance.commands.cli import main

# Each folder of wrong implementations, graded under the profile its mistakes are meant for.
CLASSES = {"tutorial": ("wrong", "mistakes", "raising", "broken"), "robust": ("robust_wrong",)}
NOT_FEEDBACK = {"slow_pages.py"}  # a page that stalls until the time limit: its own tests time it


class MarkdownSnapshot(SingleFileSnapshotExtension):
    """One .md file per snapshot, as the student reads it: a review shows the diff of the feedback itself."""

    _write_mode = WriteMode.TEXT
    file_extension = "md"


def implementations() -> list[tuple[str, Path]]:
    return [
        (profile, path)
        for profile, folders in CLASSES.items()
        for folder in folders
        for path in sorted((IMPLEMENTATIONS / folder).iterdir())
        if not path.name.startswith(("_", ".")) and path.name not in NOT_FEEDBACK
    ]


def submission_name(path: Path) -> str:
    return f"{path.parent.name}-{path.stem}"


@pytest.fixture(scope="module")
def graded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every implementation graded once, a batch per profile, as a class would be."""
    out = tmp_path_factory.mktemp("feedback")
    for profile in CLASSES:
        folder = out / f"class-{profile}"
        folder.mkdir()
        for _, path in (item for item in implementations() if item[0] == profile):
            destination = folder / (submission_name(path) + path.suffix)
            (shutil.copytree if path.is_dir() else shutil.copy)(path, destination)
        arguments = ["grade", str(folder), "--out", str(out / profile), "--profile", profile, "--jobs", "2"]
        result = CliRunner().invoke(main, [*arguments, "--startup-timeout", "2"])
        assert result.exit_code == 0, result.output
    return out


@pytest.mark.parametrize(("profile", "path"), implementations(), ids=lambda value: getattr(value, "name", value))
def test_feedback_is_the_reviewed_snapshot(graded, snapshot, profile, path):
    feedback = (graded / profile / submission_name(path) / "feedback.md").read_text(encoding="utf-8")
    assert feedback.endswith("\n") and not feedback.endswith("\n\n")
    assert feedback == snapshot.use_extension(MarkdownSnapshot)


def test_the_readme_shows_a_real_feedback_file():
    """The README's example is a snapshot, word for word: it cannot drift from what the kit writes."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    marker = "<!-- feedback: tutorial-two_mistakes.py -->\n````markdown\n"
    shown = readme.split(marker, 1)[1].split("````\n", 1)[0]
    snapshot = Path(__file__).parent / "__snapshots__" / Path(__file__).stem
    assert shown == (snapshot / "test_feedback_is_the_reviewed_snapshot[tutorial-two_mistakes.py].md").read_text()


def test_feedback_names_the_cause_first_once(graded):
    feedback = (graded / "tutorial" / "raising-missing_import" / "feedback.md").read_text()
    hint = "- ` request ` is used but never imported"
    assert feedback.count("## Likely cause") == 1 and feedback.count(hint) == 1
    assert (
        feedback.index("**Score:")
        < feedback.index("## Likely cause")
        < feedback.index(hint)
        < feedback.index("## To fix")
    )


def test_feedback_on_two_mistakes_reads_top_down(graded):
    """Score, then the causes in the lesson's order, then what to fix in that order, then the details: a
    student reads what to do first before any list of what passed."""
    lines = (graded / "tutorial" / "mistakes-two_mistakes" / "feedback.md").read_text().splitlines()
    outline = [line.split(" (")[0] for line in lines if line.startswith(("#", "**Score", "- Your", "- The page"))]
    assert outline == [
        "# Feedback for mistakes-two_mistakes",
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


def test_a_batchs_feedback_names_no_path_of_the_grading_machine_and_no_flag_of_the_kit(graded):
    """Every wrong, unloadable and raising implementation graded in a class: their load errors, exceptions
    and frames name the student's own files only (no sandbox workspace, no temporary folder, no kit source),
    and the only flags a student is shown are curl's, in a curl line."""
    written = [
        path for path in graded.rglob("*") if path.suffix in (".md", ".json", ".csv") and "class-" not in str(path)
    ]
    assert len(written) > 3 * len(implementations()), written
    for path in written:
        text = path.read_text()
        assert not MACHINE_PATH.search(text), f"{path.relative_to(graded)}: {MACHINE_PATH.search(text)}"
        assert str(graded) not in text
        flags = [line for line in text.splitlines() if FLAG.search(line) and "curl -i " not in line]
        assert not flags, f"{path.relative_to(graded)}: {flags}"
