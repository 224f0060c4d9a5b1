"""With the kit installed, a project that does not ask for it runs exactly as before: its Hypothesis
settings, its markers, its flags and its fixtures are its own."""

from __future__ import annotations

import pytest

from flask_conformance.pytest_plugin.plugin import PLUGIN

PROJECT_TESTS = """
import pytest
from hypothesis import given, settings, strategies as st

RUNS = {"explicit": 0, "default": 0}

@settings(max_examples=300, database=None)
@given(st.integers())
def test_explicit_settings(number):
    RUNS["explicit"] += 1

@settings(database=None)
@given(st.integers())
def test_default_settings(number):
    RUNS["default"] += 1

@pytest.mark.requirement("REQ-17")
def test_own_requirement_marker():
    pass

def test_own_profile_flag(request):
    assert request.config.getoption("--profile") == "fast"

def test_runs_counted():
    assert RUNS == {"explicit": 300, "default": 100}, RUNS
"""

PROJECT_CONFTEST = """
def pytest_addoption(parser):
    parser.addoption("--profile", default="slow")  # as pytest-profiling does
"""


@pytest.fixture
def project(pytester):
    pytester.makeconftest(PROJECT_CONFTEST)
    pytester.makeini("[pytest]\nmarkers =\n    requirement(id): the project's own\n")
    pytester.makepyfile(test_project=PROJECT_TESTS)
    return pytester


def run(project, *arguments):
    return project.runpytest_inprocess("-p", PLUGIN, "-p", "no:randomly", *arguments)


def test_a_project_keeps_its_hypothesis_settings_markers_and_flags(project):
    result = run(project, "--profile", "fast", "--strict-markers", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=5)


def test_the_kit_says_nothing_in_a_run_that_does_not_ask_for_it(project):
    result = run(project, "--profile", "fast")
    assert not [line for line in result.outlines if line.startswith("flask-conformance:")]


def test_the_kit_provides_no_fixture_outside_the_spec(pytester):
    pytester.makepyfile("def test_uses_client(client):\n    pass\n")
    result = pytester.runpytest_inprocess("-p", PLUGIN, "-p", "no:randomly")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*fixture 'client' not found*"])


def test_a_project_with_its_own_spec_tests_package_is_left_alone(pytester):
    """The kit finds its spec by place, not by importing a package that another project may also call
    spec_tests."""
    pytester.mkpydir("spec_tests")
    pytester.path.joinpath("spec_tests", "test_own.py").write_text(
        "import pytest\n\n@pytest.mark.requirement('REQ-17')\ndef test_own():\n    pass\n"
    )
    # a fresh process, where `import spec_tests` would find the project's package first (cwd on sys.path)
    result = pytester.runpytest_subprocess("-p", PLUGIN, "-p", "no:randomly", "spec_tests")
    result.assert_outcomes(passed=1)
    assert not [line for line in result.outlines if line.startswith("flask-conformance:")]
