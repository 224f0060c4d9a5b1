"""grade --shard I/N on a job array, then merge: the same gradebook as one run, and nothing else merges."""

from __future__ import annotations

import csv
import json
import shutil

import pytest
from click.testing import CliRunner

from conftest import IMPLEMENTATIONS
from flask_conformance.commands.cli import main
from flask_conformance.commands.shards import Shard

CLASS = {
    "ann": IMPLEMENTATIONS / "correct" / "blueprint",
    "ben.py": IMPLEMENTATIONS / "wrong" / "status_307.py",
    "cas.py": IMPLEMENTATIONS / "broken" / "syntax_error.py",
    "dan.py": IMPLEMENTATIONS / "wrong" / "welcome_typo.py",
}


@pytest.fixture
def folder(tmp_path):
    folder = tmp_path / "class"
    folder.mkdir()
    for name, source in CLASS.items():
        (shutil.copytree if source.is_dir() else shutil.copy)(source, folder / name)
    return folder


def grade(folder, out, *extra):
    result = CliRunner().invoke(main, ["grade", str(folder), "--out", str(out), "--jobs", "2", *extra])
    assert result.exit_code == 0, result.output
    return result


def gradebook(out):
    """grades.csv without the seconds each took, and each results.json without its execution time and the
    uid its sandbox had."""
    rows = [
        {k: v for k, v in row.items() if k != "seconds"}
        for row in csv.DictReader((out / "grades.csv").read_text().splitlines())
    ]
    results = {}
    for row in rows:
        data = json.loads((out / row["name"] / "results.json").read_text())
        data["extra_data"].pop("isolation", None)  # names the uid the sandbox had: any free one
        results[row["name"]] = {key: value for key, value in data.items() if key != "execution_time"}
    return rows, results


def test_three_shards_merged_are_one_run(folder, tmp_path):
    grade(folder, tmp_path / "whole")
    shards = [tmp_path / f"shard{index}" for index in range(3)]
    for index, out in enumerate(shards):
        grade(folder, out, "--shard", f"{index}/3")
    held = [
        sorted(row["name"] for row in csv.DictReader((out / "grades.csv").read_text().splitlines())) for out in shards
    ]
    assert sorted(name for names in held for name in names) == ["ann", "ben", "cas", "dan"]
    assert len([names for names in held if names]) >= 2  # really split
    merged = tmp_path / "merged"
    result = CliRunner().invoke(main, ["merge", *map(str, shards), "--out", str(merged)])
    assert result.exit_code == 0, result.output
    assert gradebook(merged) == gradebook(tmp_path / "whole")
    links = [(out / "report.html").read_text().count('/feedback.html">') for out in (merged, tmp_path / "whole")]
    assert links[0] == links[1] == 4 + 2  # every submission, and the two with a catalogued mistake


def test_a_submission_always_lands_in_the_same_shard():
    """By its name alone: the shard of 'ben' does not change as the class around it does."""
    names = [f"student{number}" for number in range(200)]
    for count in (2, 3, 7):
        shards = [Shard(index, count) for index in range(count)]
        assert all(sum(shard.holds(name) for shard in shards) == 1 for name in names)
        assert all(len([n for n in names if shard.holds(n)]) > 200 / count / 2 for shard in shards)  # spread
    assert [Shard(index, 3).holds("ben") for index in range(3)] == [Shard(i, 3).holds("ben") for i in range(3)]


def test_merge_refuses_shards_graded_otherwise_or_incomplete(folder, tmp_path):
    grade(folder, tmp_path / "a", "--shard", "0/2")
    grade(folder, tmp_path / "b", "--shard", "1/2", "--examples", "5")
    mixed = CliRunner().invoke(main, ["merge", str(tmp_path / "a"), str(tmp_path / "b"), "--out", str(tmp_path / "m")])
    assert (
        mixed.exit_code == 2 and "was graded with other settings than" in mixed.output and "(examples)" in mixed.output
    )
    alone = CliRunner().invoke(main, ["merge", str(tmp_path / "a"), "--out", str(tmp_path / "m")])
    assert alone.exit_code == 2 and "merge needs every shard once: got 0/2" in alone.output
    assert not (tmp_path / "m" / "grades.csv").exists()


@pytest.mark.parametrize("shard", ["3/3", "1", "a/b", "-1/2"])
def test_a_shard_that_names_none_is_a_usage_error(folder, tmp_path, shard):
    result = CliRunner().invoke(main, ["grade", str(folder), "--out", str(tmp_path / "o"), "--shard", shard])
    assert result.exit_code == 2 and "--shard" in result.output
