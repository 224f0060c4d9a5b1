"""A folder the grader made is removed whatever a submission built in it, and nothing outside it is."""

from __future__ import annotations

import shutil

import pytest

from conftest import nested_folders
from flask_conformance.data.tree_removal import remove_tree


def test_a_tree_deeper_than_rmtree_can_go_is_removed(tmp_path):
    tree = tmp_path / "deep"
    nested_folders(tree, 3000)
    with pytest.raises(RecursionError):  # what the grader used, and why it is not enough
        shutil.rmtree(tree, ignore_errors=True)
    remove_tree(tree)
    assert not tree.exists()


def test_links_are_removed_not_followed(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "keep").write_text("keep")
    tree = tmp_path / "tree"
    nested_folders(tree, 1200)
    (tree / "to-outside").symlink_to(outside)
    (tree / "aaaaaaaaaaaaaaaaaaaa" / "file-link").symlink_to(outside / "keep")
    remove_tree(tree)
    assert not tree.exists()
    assert (outside / "keep").read_text() == "keep"


def test_a_missing_folder_is_nothing_to_do(tmp_path):
    remove_tree(tmp_path / "never-made")
    assert list(tmp_path.iterdir()) == []
