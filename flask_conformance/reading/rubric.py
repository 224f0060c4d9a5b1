"""An instructor's rubric: points, dropped checks and visibility per requirement, from TOML.

```toml
[defaults]
visibility = "visible"

[requirements.NAMES-POST]
points = 10
visibility = "after_due_date"

[requirements.OPTIONS]
drop = true
```
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from ..data.exercise import LESSON, Exercise, ExerciseError
from ..data.requirements import REQUIREMENTS

VISIBILITIES = ("visible", "hidden", "after_due_date", "after_published")
KEYS = """A rubric is a TOML file with three tables, all optional:

[exercise]                   # the instructor's variant of the exercise; each key defaults to the lesson's
field = "nm"                 # the name's field, in the form and the query string
login = "/login"             # the route that reads it, for GET and POST
success = "/success/<name>"  # the page it redirects to, the name in one <name> segment
greeting = "welcome"         # what that page says before the name
form = "login.html"          # the page with the form

[defaults]
visibility = "visible"       # of every check not named below: visible, hidden, after_due_date or
                             # after_published, as Gradescope means them (hidden: never shown to students)

[requirements.<ID>]          # one table per requirement ID of SPEC.md (flask-conformance rubric --show)
points = 10                  # a number, 0 or more (default: SPEC.md's points)
visibility = "after_due_date"
drop = true                  # not checked at all: no points either way, left out of results.json

Any other table or key is an error that names the file and the entry."""


class RubricError(ValueError):
    """The rubric file is wrong; the text names the file and the entry."""


@dataclass(frozen=True)
class Rubric:
    points: dict[str, float] = field(default_factory=dict)
    visibility: dict[str, str] = field(default_factory=dict)
    dropped: frozenset[str] = frozenset()
    default_visibility: str = "visible"
    exercise: Exercise = LESSON

    def points_for(self, requirement_id: str) -> float:
        return self.points.get(requirement_id, REQUIREMENTS[requirement_id].points)

    def visibility_for(self, requirement_id: str) -> str:
        return self.visibility.get(requirement_id, self.default_visibility)


def load_rubric(path: Path | None) -> Rubric:
    if path is None:
        return Rubric()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise RubricError(f"cannot read the rubric {path}: {error}") from None
    return parse_rubric(data, str(path))


def parse_rubric(data: dict[str, Any], where: str) -> Rubric:
    unknown_tables = set(data) - {"exercise", "defaults", "requirements"}
    if unknown_tables:
        raise RubricError(
            f"{where}: unknown table(s) {sorted(unknown_tables)}; use [exercise], [defaults] and [requirements.ID]"
        )
    exercise = _exercise(data.get("exercise", {}), f"{where} [exercise]")
    default_visibility = _visibility(data.get("defaults", {}).get("visibility", "visible"), f"{where} [defaults]")
    points: dict[str, float] = {}
    visibility: dict[str, str] = {}
    dropped: set[str] = set()
    for requirement_id, entry in data.get("requirements", {}).items():
        place = f"{where} [requirements.{requirement_id}]"
        if requirement_id not in REQUIREMENTS:
            raise RubricError(f"{place}: no such requirement; the IDs are in SPEC.md: {', '.join(REQUIREMENTS)}")
        unknown = set(entry) - {"points", "visibility", "drop"}
        if unknown:
            raise RubricError(f"{place}: unknown key(s) {sorted(unknown)}; use points, visibility or drop")
        if "points" in entry:
            value = entry["points"]
            if not isinstance(value, (int, float)) or isinstance(value, bool) or value < 0:
                raise RubricError(f"{place}: points must be a number, 0 or more, not {value!r}")
            points[requirement_id] = float(value)
        if "visibility" in entry:
            visibility[requirement_id] = _visibility(entry["visibility"], place)
        if entry.get("drop", False) is True:
            dropped.add(requirement_id)
    return Rubric(points, visibility, frozenset(dropped), default_visibility, exercise)


def _exercise(entry: object, place: str) -> Exercise:
    keys = tuple(part.name for part in fields(Exercise))
    if not isinstance(entry, dict):
        raise RubricError(f"{place}: must be a table of {', '.join(keys)}")
    unknown = set(entry) - set(keys)
    if unknown:
        raise RubricError(f"{place}: unknown key(s) {sorted(unknown)}; use {', '.join(keys)}")
    if any(not isinstance(value, str) for value in entry.values()):
        raise RubricError(f"{place}: every value is a string")
    try:
        return Exercise(**entry)
    except ExerciseError as error:
        raise RubricError(f"{place}: {error}") from None


def _visibility(value: object, place: str) -> str:
    if value not in VISIBILITIES:
        raise RubricError(f"{place}: visibility must be one of {', '.join(VISIBILITIES)}, not {value!r}")
    return str(value)
