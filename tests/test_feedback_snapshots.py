"""The feedback.md of every wrong implementation in tests/, kept as a reviewed snapshot (syrupy): a change to
what any student reads shows up as a diff in review. After a deliberate change, run
``pytest tests/test_feedback_snapshots.py --snapshot-update`` and review the diff of
tests/__snapshots__/test_feedback_snapshots/."""

from __future__ import annotations

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
