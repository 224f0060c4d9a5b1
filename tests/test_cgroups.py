"""The cgroup a sandbox gets, on either hierarchy, read from a cgroup tree laid out in a folder."""

from __future__ import annotations

import pytest

from flask_conformance.sandbox import cgroups


@pytest.fixture
def fake_v2(tmp_path, monkeypatch):
    """A cgroup v2 machine: the grader in /grader, memory and pids delegated to its children."""
    root = tmp_path / "cgroup"
    (root / "grader").mkdir(parents=True)
    (root / "cgroup.controllers").write_text("cpu memory pids\n")
    (root / "grader" / "cgroup.subtree_control").write_text("memory pids\n")
    membership = tmp_path / "membership"
    membership.write_text("0::/grader\n")
    monkeypatch.setattr(cgroups, "ROOT", root)
    monkeypatch.setattr(cgroups, "MEMBERSHIP", membership)
    return root / "grader"


def test_a_v2_group_gets_the_limits(fake_v2):
    tree = cgroups.create(100 << 20, 16)
    assert tree is not None and tree.kind == "cgroup v2"
    (group,) = tree.folders
    assert group.parent == fake_v2 and group.name.startswith(cgroups.PREFIX)
    assert (group / "memory.max").read_text() == str(100 << 20)
    assert (group / "memory.swap.max").read_text() == "0"
    assert (group / "pids.max").read_text() == "16"
    assert tree.procs_files == [group / "cgroup.procs"]


def test_without_delegated_controllers_there_is_no_group(fake_v2):
    (fake_v2 / "cgroup.subtree_control").write_text("cpu\n")
    assert cgroups.create(100 << 20, 16) is None
    assert not list(fake_v2.glob(cgroups.PREFIX + "*"))


def test_a_v1_group_per_controller(tmp_path, monkeypatch):
    root = tmp_path / "cgroup"
    for controller in ("memory", "pids"):
        (root / controller / "grader").mkdir(parents=True)
    membership = tmp_path / "membership"
    membership.write_text("4:memory:/grader\n8:pids:/grader\n0::/\n")
    monkeypatch.setattr(cgroups, "ROOT", root)
    monkeypatch.setattr(cgroups, "MEMBERSHIP", membership)
    tree = cgroups.create(100 << 20, 16)
    assert tree is not None and tree.kind == "cgroup v1"
    memory, pids = tree.folders
    assert (memory / "memory.limit_in_bytes").read_text() == str(100 << 20)
    assert (pids / "pids.max").read_text() == "16"
    assert memory.parent == root / "memory" / "grader" and pids.parent == root / "pids" / "grader"


def test_no_cgroup_filesystem_means_no_group(tmp_path, monkeypatch):
    monkeypatch.setattr(cgroups, "ROOT", tmp_path / "nothing")
    monkeypatch.setattr(cgroups, "MEMBERSHIP", tmp_path / "no-membership")
    assert cgroups.create(100 << 20, 16) is None
    assert cgroups.available() == ""
