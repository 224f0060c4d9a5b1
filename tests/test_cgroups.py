"""The cgroup a sandbox gets, on either hierarchy, read from a cgroup tree laid out in a folder."""

from __future__ import annotations

import os

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
    tree = cgroups.create(100 << 20, 16, 1.5)
    assert tree is not None and tree.kind == "cgroup v2"
    (group,) = tree.folders
    assert group.parent == fake_v2 and group.name.startswith(cgroups.PREFIX)
    assert (group / "memory.max").read_text() == str(100 << 20)
    assert (group / "memory.swap.max").read_text() == "0"
    assert (group / "pids.max").read_text() == "16"
    assert not (group / "cpu.max").exists() and tree.cpu == ""  # cpu is not delegated to the grader's children
    assert tree.procs_files == [group / "cgroup.procs"]


def test_a_v2_group_caps_the_trees_cpu_where_cpu_is_delegated(fake_v2):
    (fake_v2 / "cgroup.subtree_control").write_text("cpu memory pids\n")
    tree = cgroups.create(100 << 20, 16, 1.5)
    assert tree is not None and tree.cpu == "capped"
    (group,) = tree.folders
    assert (group / "cpu.max").read_text() == "150000 100000"
    assert cgroups.cpu_sharing(tree) == "capped"


def test_without_delegated_controllers_there_is_no_group(fake_v2):
    (fake_v2 / "cgroup.subtree_control").write_text("cpu\n")
    assert cgroups.create(100 << 20, 16, 1.5) is None
    assert not list(fake_v2.glob(cgroups.PREFIX + "*"))


@pytest.fixture
def fake_v1(tmp_path, monkeypatch):
    """A cgroup v1 machine, the grader in /grader of every hierarchy."""
    root = tmp_path / "cgroup"
    for controller in ("memory", "pids", "cpu"):
        (root / controller / "grader").mkdir(parents=True)
    membership = tmp_path / "membership"
    membership.write_text("4:memory:/grader\n8:pids:/grader\n1:cpu:/grader\n0::/\n")
    monkeypatch.setattr(cgroups, "ROOT", root)
    monkeypatch.setattr(cgroups, "MEMBERSHIP", membership)
    return root


def test_a_v1_group_per_controller(fake_v1):
    tree = cgroups.create(100 << 20, 16, 1.5)
    assert tree is not None and tree.kind == "cgroup v1" and tree.cpu == "capped"
    memory, pids, cpu = tree.folders
    assert (memory / "memory.limit_in_bytes").read_text() == str(100 << 20)
    assert (pids / "pids.max").read_text() == "16"
    assert (cpu / "cpu.cfs_period_us").read_text() == "100000"
    assert (cpu / "cpu.cfs_quota_us").read_text() == "150000"
    parents = [fake_v1 / controller / "grader" for controller in ("memory", "pids", "cpu")]
    assert [folder.parent for folder in tree.folders] == parents
    assert cgroups.cpu_sharing(tree) == "capped"


def test_a_v1_cpu_group_whose_cap_is_refused_still_weighs_the_tree_as_one(fake_v1):
    """A parent group with a smaller cap (a container given half a core) refuses a bigger one."""
    original = cgroups._cap

    def refuse_the_quota(group, name, value):
        return name != "cpu.cfs_quota_us" and original(group, name, value)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(cgroups, "_cap", refuse_the_quota)
        tree = cgroups.create(100 << 20, 16, 1.5)
    assert tree is not None and tree.cpu == "grouped" and len(tree.folders) == 3
    assert cgroups.cpu_sharing(tree) == "grouped"


def test_a_v1_machine_without_a_cpu_controller_still_limits_memory_and_processes(fake_v1):
    (fake_v1 / "cpu" / "grader").rmdir()
    tree = cgroups.create(100 << 20, 16, 1.5)
    assert tree is not None and tree.cpu == ""
    assert [folder.parent.parent.name for folder in tree.folders] == ["memory", "pids"]


@pytest.mark.parametrize(
    ("enabled", "membership", "sharing"),
    [
        ("1", "1:cpu:/\n0::/\n", "autogroup"),  # a process in the root cpu group: autogroup weighs sessions
        ("0", "1:cpu:/\n0::/\n", ""),  # the kernel's autogroup switched off
        ("1", "1:cpu:/docker/f00\n0::/\n", ""),  # inside a container's group autogroup does nothing
        ("1", "0::/\n", ""),  # no cpu hierarchy to read: not known, so not claimed
    ],
)
def test_without_a_cpu_group_the_kernels_autogroup_is_claimed_only_where_it_works(
    tmp_path, monkeypatch, enabled, membership, sharing
):
    root = tmp_path / "cgroup"
    (root / "cpu" / "docker" / "f00").mkdir(parents=True)
    (tmp_path / "membership").write_text(membership)
    (tmp_path / "autogroup").write_text(enabled + "\n")
    monkeypatch.setattr(cgroups, "ROOT", root)
    monkeypatch.setattr(cgroups, "MEMBERSHIP", tmp_path / "membership")
    monkeypatch.setattr(cgroups, "AUTOGROUP", tmp_path / "autogroup")
    assert cgroups.cpu_sharing(None) == sharing


def test_no_cgroup_filesystem_means_no_group(tmp_path, monkeypatch):
    monkeypatch.setattr(cgroups, "ROOT", tmp_path / "nothing")
    monkeypatch.setattr(cgroups, "MEMBERSHIP", tmp_path / "no-membership")
    assert cgroups.create(100 << 20, 16, 1.5) is None
    assert cgroups.available() is None


def test_a_group_interrupted_while_it_is_made_leaves_no_folder(monkeypatch):
    """SIGTERM (Ctrl-C to the kit) between two of a group's folders left all three behind: in CI, a plain
    pytest run stopped while its sandbox started (test_nothing_outlives_a_run_stopped_with_sigterm)."""
    if os.getuid() != 0 or cgroups.own_group("cpu") is None or cgroups.available() is None:
        pytest.skip("needs root and writable cgroup v1 memory, pids and cpu controllers, as CI has")

    def interrupted(group: object, name: str, value: str) -> bool:
        raise KeyboardInterrupt

    monkeypatch.setattr(cgroups, "_cap", interrupted)
    mine = f"{cgroups.PREFIX}{os.getpid()}-"
    before = cgroups.groups_named(mine)
    with pytest.raises(KeyboardInterrupt):
        cgroups.create(64 << 20, 8, 1.0)
    assert set(cgroups.groups_named(mine)) <= set(before)
