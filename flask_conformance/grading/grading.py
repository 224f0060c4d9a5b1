"""Turning test outcomes into a grade: one check per requirement, points only when all its tests pass."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..data.exercise import LESSON, Exercise
from ..data.grader_error import REGRADE
from ..data.requirements import REQUIREMENTS, in_profile
from ..reading.rubric import Rubric

NOT_RUN = "{requirement}: this check did not run: the run ended before it."


@dataclass(frozen=True)
class TestOutcome:
    requirement_id: str
    nodeid: str
    outcome: str  # passed, failed or skipped
    message: str = ""


@dataclass(frozen=True)
class Check:
    requirement_id: str
    title: str
    status: str  # passed, failed or skipped
    score: float
    max_score: float
    visibility: str
    messages: tuple[str, ...] = ()


@dataclass(frozen=True)
class Grade:
    profile: str
    target: str
    checks: tuple[Check, ...]
    load_error: str = ""
    execution_time: float = 0.0
    extra: dict[str, str] = field(default_factory=dict)
    exercise: Exercise = LESSON  # the rubric's: the likely causes are told in its words

    @property
    def score(self) -> float:
        return sum(check.score for check in self.checks)

    @property
    def max_score(self) -> float:
        return sum(check.max_score for check in self.checks)

    @property
    def passed(self) -> int:
        return sum(check.status == "passed" for check in self.checks)

    @property
    def failed(self) -> int:
        return sum(check.status == "failed" for check in self.checks)

    @property
    def checked(self) -> list[Check]:
        """The checks that applied to this kind of target (not skipped), passed or not."""
        return [check for check in self.checks if check.status != "skipped"]

    def failure_messages(self, visibilities: tuple[str, ...] | None = None) -> list[tuple[str, str]]:
        """``(requirement ID, message)`` of every failed check (of those ``visibilities``, given some): what
        the catalogue of mistakes reads."""
        return [
            (check.requirement_id, message)
            for check in self.checks
            if check.status == "failed" and (visibilities is None or check.visibility in visibilities)
            for message in check.messages
        ]

    @property
    def grader_errors(self) -> tuple[str, ...]:
        """Why checks could not run through the grader's fault: the submission needs a regrade."""
        return tuple(check.messages[0] for check in self.checks if check.status == "grader-error" and check.messages)

    def summary(self) -> str:
        if self.load_error:
            return f"The submission could not be graded: {self.load_error}"
        return (
            f"Profile {self.profile}: {self.passed} of {len(self.checked)} requirements met, "
            f"{self.score:g} of {self.max_score:g} points."
        )


def grade(
    outcomes: list[TestOutcome],
    *,
    profile: str,
    rubric: Rubric,
    target: str,
    load_error: str = "",
    execution_time: float = 0.0,
    checked: frozenset[str] | None = None,
) -> Grade:
    """One check per requirement of the profile, in SPEC.md's order.

    A requirement passes when every test naming it passed, fails when one
    failed, and is skipped (no points either way) when none ran, such as the
    form checks of a single-file target. A load error fails every requirement.
    """
    checks = []
    for requirement_id, requirement in REQUIREMENTS.items():
        if not in_profile(requirement_id, profile) or requirement_id in rubric.dropped:
            continue
        mine = [outcome for outcome in outcomes if outcome.requirement_id == requirement_id]
        if (requirement.mode and not mine) or (checked is not None and requirement_id not in checked):
            continue  # not asked for (--against, --lock, the browser), so neither earned nor lost

        # once each: the tests of one requirement that did not run all say the same
        failures = tuple(dict.fromkeys(outcome.message for outcome in mine if outcome.outcome == "failed"))
        grader_errors = tuple(outcome.message for outcome in mine if outcome.outcome == "grader-error")
        points = rubric.points_for(requirement_id)
        if load_error:
            status, failures = "failed", (load_error,)
        elif failures:
            status = "failed"
        elif grader_errors:  # the kit's failure: full points for now, and a regrade
            status, failures = "grader-error", (REGRADE.format(reason=grader_errors[0]),)
        elif any(outcome.outcome == "passed" for outcome in mine):
            status = "passed"
        elif not mine and checked is not None:
            # Selected, but the run ended before it (a crash, -x, the time limit): failed, never free.
            status, failures = "failed", (NOT_RUN.format(requirement=requirement_id),)
        else:
            status = "skipped"
        checks.append(
            Check(
                requirement_id,
                rubric.exercise.words(requirement.title),
                status,
                score=points if status in ("passed", "grader-error") else 0.0,
                max_score=0.0 if status == "skipped" else points,
                visibility=rubric.visibility_for(requirement_id),
                messages=failures or tuple(o.message for o in mine if o.outcome == "skipped" and o.message)[:1],
            )
        )
    return Grade(profile, target, tuple(checks), load_error, execution_time, exercise=rubric.exercise)
