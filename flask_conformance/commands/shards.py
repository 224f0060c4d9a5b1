"""Grading a class in shards on a job array (``grade --shard i/n``), and merging the shards' outputs into one
gradebook (``merge``). A submission's shard depends on its name alone, so it lands in the same shard on
every run, whatever else the folder holds."""

from __future__ import annotations

import hashlib
import json
import shutil
from dataclasses import dataclass
from pathlib import Path

from ..data.atomic_file import write_atomically
from .records import Record, read_record, write_grades_csv

MANIFEST = "class.json"  # in each shard's OUT: the whole class's names, the shard, the settings


class ShardError(ValueError):
    """Shards that cannot be merged, or a --shard that names none: the instructor's mistake, exit 2."""


@dataclass(frozen=True)
class Shard:
    index: int  # from 0, as a Kubernetes Indexed Job's JOB_COMPLETION_INDEX
    count: int

    @classmethod
    def parse(cls, text: str) -> Shard:
        try:
            index, count = (int(part) for part in text.split("/"))
        except ValueError:
            raise ShardError(f"--shard {text!r} is not I/N (for example 0/3)") from None
        if not 0 <= index < count:
            raise ShardError(f"--shard {text!r}: I counts from 0 and is less than N (0/{count} to {count - 1}/{count})")
        return cls(index, count)

    def holds(self, name: str) -> bool:
        return int(hashlib.sha256(name.encode("utf-8")).hexdigest(), 16) % self.count == self.index

    def __str__(self) -> str:
        return f"{self.index}/{self.count}"


def write_manifest(out: Path, names: list[str], shard: Shard | None, settings: dict[str, str]) -> None:
    manifest = {"class": names, "shard": str(shard or Shard(0, 1)), "graded_with": settings}
    write_atomically(out / MANIFEST, json.dumps(manifest, indent=1) + "\n")


def merge_shards(shards: list[Path], out: Path) -> list[Record]:
    """One gradebook from every shard of one class graded with one set of settings; refuses anything else."""
    manifests = []
    for folder in shards:
        try:
            manifests.append(json.loads((folder / MANIFEST).read_text(encoding="utf-8")))
        except (OSError, ValueError):
            raise ShardError(
                f"{folder} is not the output of flask-conformance grade (no readable {MANIFEST})"
            ) from None
    first = manifests[0]
    settings = first["graded_with"]
    for folder, manifest in zip(shards, manifests, strict=True):
        if manifest["graded_with"] != settings:
            differ = sorted(key for key in settings if manifest["graded_with"].get(key) != settings[key])
            raise ShardError(f"{folder} was graded with other settings than {shards[0]} ({', '.join(differ)})")
        if manifest["class"] != first["class"]:
            raise ShardError(f"{folder} graded another class than {shards[0]} (its submissions differ)")
    parsed = [Shard.parse(manifest["shard"]) for manifest in manifests]
    counts = {shard.count for shard in parsed}
    if len(counts) != 1 or sorted(shard.index for shard in parsed) != list(range(counts.pop())):
        raise ShardError(f"merge needs every shard once: got {', '.join(m['shard'] for m in manifests)}")
    records: dict[str, Record] = {}
    for folder in shards:
        for name in first["class"]:
            record = read_record(folder, name)
            if record is not None:
                records[name] = record
                shutil.copytree(folder / name, out / name, dirs_exist_ok=True)
    missing = [name for name in first["class"] if name not in records]
    if missing:
        raise ShardError(f"no shard holds a grade for {', '.join(missing[:10])}: grade those again, then merge")
    ordered = [records[name] for name in first["class"]]
    out.mkdir(parents=True, exist_ok=True)
    write_grades_csv(out, ordered)
    write_manifest(out, first["class"], None, settings)
    from ..grading.class_report import write_class_report

    write_class_report(out, ordered, settings.get("profile", "tutorial"))
    return ordered
