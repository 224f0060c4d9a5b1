"""The pytest plugin: options and hooks that plug a target into ``spec_tests``.

Loaded into every pytest run of an environment that has the kit installed (its
``pytest11`` entry point), so it stays inert until asked, as Hypothesis's own
plugin does: its hooks touch only the spec's tests (those under
``SPEC_DIRECTORY``), its Hypothesis profile is bound to those tests alone, its
fixtures live in ``spec_tests/conftest.py``, and its flags are names no
well-known plugin uses. The machinery lives in the modules it imports, and the
target is opened only when a spec test first asks for it.
"""

from __future__ import annotations

import os
from collections.abc import Generator
from pathlib import Path

import pytest

from ..reading.rubric import Rubric, RubricError, load_rubric
from .settings import Settings, add_options, read_settings

SETTINGS = pytest.StashKey[Settings]()
RUBRIC = pytest.StashKey[Rubric]()
COLLECTOR = "flask-conformance-results"
PLUGIN = __name__  # what -p names to load it
HYPOTHESIS_PROFILE = "flask-conformance"
LOAD_FAILED = "flask-conformance: cannot load "  # how pytest.exit begins when a target cannot load
# Installed beside this package (site-packages, or the checkout): found by place, not by importing
# `spec_tests`, which in another project may be a package of its own.
SPEC_DIRECTORY = Path(__file__).resolve().parent.parent.parent / "spec_tests"


def is_spec_item(item: pytest.Item) -> bool:
    """One of the spec's own tests, wherever the kit is installed; never another project's."""
    return item.path.resolve().is_relative_to(SPEC_DIRECTORY)


def asked_for(config: pytest.Config) -> bool:
    """This run grades something: it names the spec's tests, or a target."""
    if config.stash[SETTINGS].target is not None:
        return True
    if config.option.pyargs and any(arg.split("::")[0].split(".")[0] == "spec_tests" for arg in config.args):
        return True
    return any(Path(arg.split("::")[0]).resolve().is_relative_to(SPEC_DIRECTORY) for arg in config.args)


def pytest_addoption(parser: pytest.Parser) -> None:
    add_options(parser)


def pytest_configure(config: pytest.Config) -> None:
    settings = read_settings(config, dict(os.environ))
    config.stash[SETTINGS] = settings
    _check_target_names(settings)
    from hypothesis import HealthCheck, Phase
    from hypothesis import settings as hypothesis_settings

    # Every submission gets the same examples (derandomize, no database), so two
    # students who behave alike get the same grade and a regrade reproduces it.
    # Registered, never loaded: it is bound to the spec's tests alone (pytest_collection_modifyitems).
    hypothesis_settings.register_profile(
        HYPOTHESIS_PROFILE,
        max_examples=settings.examples,
        derandomize=True,
        database=None,
        deadline=None,
        print_blob=False,
        # One failure per check, and of the explicit examples the first that fails, in the order the spec
        # lists them (a plain name first): not the shortest, which for an app that fails every name is '%20'.
        report_multiple_bugs=False,
        # No explain phase: its "# or any other generated value" comments mean nothing to a student, and
        # finding them cost a failing check more than the shrinking that found its example.
        phases=(Phase.explicit, Phase.generate, Phase.shrink),
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
    )
    try:
        config.stash[RUBRIC] = load_rubric(settings.rubric)
    except RubricError as error:
        raise pytest.UsageError(str(error)) from None
    if asked_for(config):  # inert in another project's run: its exercise is nobody's business
        from ..data.exercise import use

        use(config.stash[RUBRIC].exercise)
    if settings.results is not None:
        from .results_collector import ResultsCollector

        collector = ResultsCollector(
            settings.profile, config.stash[RUBRIC], settings.target or "", settings.results, settings.results_format
        )
        config.pluginmanager.register(collector, COLLECTOR)


def pytest_unconfigure(config: pytest.Config) -> None:
    from ..data.exercise import LESSON, use

    use(LESSON)  # the next session in this process (an in-process run, a warm grader) starts from the lesson


@pytest.hookimpl(tryfirst=True)
def pytest_keyboard_interrupt(excinfo: pytest.ExceptionInfo[BaseException]) -> None:
    """A target that cannot load ends the run with ``pytest.exit``, of which pytest shows the message alone.
    Its stack is cut to where it was raised: pytest formats the whole of it for that message, reading the
    source of every frame, which cost a grading process more than a working submission's checks."""
    if isinstance(excinfo.value, pytest.exit.Exception) and excinfo.value.msg.startswith(LOAD_FAILED):
        excinfo.traceback = excinfo.traceback[-2:]  # the call of pytest.exit, and pytest.exit (hidden)


def _check_target_names(settings: Settings) -> None:
    """A target that names nothing (no such file, an ftp:// URL) is the user's mistake: a usage error, before
    any check runs, never a student's failed grade."""
    from ..targets.targets import TargetError, parse_target

    for flag, text in (("--target", settings.target), ("--against", settings.against)):
        if text is not None and text != "reference":
            try:
                parse_target(text)
            except TargetError as error:
                raise pytest.UsageError(f"{flag}: {error}") from None


def pytest_report_header(config: pytest.Config) -> list[str]:
    from ..targets.targets import DEFAULT_TARGET

    if not asked_for(config):
        return []
    settings = config.stash[SETTINGS]
    if settings.in_process:
        isolation = "in-process"
    else:
        from ..sandbox.sandbox import expected_isolation

        isolation = f"files and folders sandboxed ({expected_isolation()})"
    from ..data.exercise import LESSON, current

    exercise = current()
    variant = [] if exercise == LESSON else [f"flask-conformance: the instructor's exercise: {exercise}"]
    return [
        *variant,
        f"flask-conformance: target {settings.target or DEFAULT_TARGET + ' (default)'}, "
        f"profile {settings.profile}, {isolation}",
        f"flask-conformance: hypothesis profile {HYPOTHESIS_PROFILE!r}: derandomize=True, database=None, "
        f"max_examples={settings.examples}",
    ]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    from hypothesis import settings as hypothesis_settings

    from ..data.requirements import REQUIREMENTS, is_checked

    # @given fixes its settings when the test module is imported, so a module a warm grader or an earlier
    # in-process session imported keeps that session's max_examples. Bind this session's profile instead.
    # (Hypothesis has no public way to re-settle an already-decorated test.)
    session_settings = hypothesis_settings.get_profile(HYPOTHESIS_PROFILE)
    for item in filter(is_spec_item, items):
        function = getattr(item, "obj", None)
        if getattr(function, "is_hypothesis_test", False):
            function._hypothesis_internal_use_settings = session_settings  # type: ignore[union-attr]
    settings = config.stash[SETTINGS]
    profile = settings.profile
    modes = frozenset(mode for mode, on in (("against", settings.against), ("lock", settings.lock)) if on)
    dropped = config.stash[RUBRIC].dropped
    selected: list[pytest.Item] = []
    deselected: list[pytest.Item] = []
    for item in items:
        marker = item.get_closest_marker("requirement")
        if marker is None or not is_spec_item(item):  # another project's own requirement marker is its own
            selected.append(item)
            continue
        requirement_id = marker.args[0]
        if requirement_id not in REQUIREMENTS:
            raise pytest.UsageError(f"{item.nodeid} names requirement {requirement_id!r}, which SPEC.md lacks")
        item.user_properties.append(("requirement", requirement_id))
        keep = is_checked(requirement_id, profile, modes) and requirement_id not in dropped
        (selected if keep else deselected).append(item)
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = selected


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    report = yield
    if call.excinfo is not None:
        from ..data.curl import printable
        from ..data.grader_error import PROPERTY, GraderError
        from ..targets.failure_text import failure_text

        error = call.excinfo.value
        failure = conformance_failure(error)
        reason = None
        if failure is not None:
            report.longrepr = printable(failure_text(failure, getattr(item, "fixturenames", ())))
        elif isinstance(error, GraderError):
            reason = str(error)
        elif is_spec_item(item) and not isinstance(error, _PYTEST_OUTCOMES):
            # The kit's own failure on what a submission sent: the instructor regrades it (grades.csv says
            # so); the student reads no traceback of the kit's files, and loses nothing for it.
            first_line = (str(error).splitlines() or [""])[0]
            reason = printable(f"the kit failed on this check: {type(error).__name__}: {first_line}")[:300]
        if reason is not None:
            report.longrepr = f"GRADER ERROR: {reason}"
            report.user_properties.append((PROPERTY, reason))
    return report


# What pytest itself raises to skip, fail or expect a failure: outcomes, not errors of the kit.
_PYTEST_OUTCOMES = (pytest.skip.Exception, pytest.fail.Exception, pytest.xfail.Exception)


def conformance_failure(error: BaseException) -> BaseException | None:
    """The check's failure: ``error`` itself, or the first one inside an exception group (Hypothesis
    raises a group when the app answers the same request differently a second time)."""
    from ..targets.client import ConformanceFailure

    if isinstance(error, ConformanceFailure):
        return error
    if isinstance(error, BaseExceptionGroup):
        for inner in error.exceptions:
            found = conformance_failure(inner)
            if found is not None:
                return found
    return None
