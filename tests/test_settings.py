"""Settings come from the command line, then the environment, then the ini file; errors name the source."""

from __future__ import annotations

from conftest import ROOT


def header(pytester, *arguments):
    result = pytester.runpytest_inprocess(
        str(ROOT / "spec_tests" / "test_methods.py"), "-p", "no:cacheprovider", *arguments
    )
    return result, "\n".join(result.outlines + result.errlines)


def test_environment_beats_ini(pytester, monkeypatch):
    monkeypatch.setenv("FLASK_CONFORMANCE_PROFILE", "robust")
    _, output = header(pytester, "-o", "conformance_profile=tutorial")
    assert "profile robust" in output


def test_command_line_beats_environment(pytester, monkeypatch):
    monkeypatch.setenv("FLASK_CONFORMANCE_PROFILE", "robust")
    _, output = header(pytester, "--conformance-profile", "tutorial")
    assert "profile tutorial" in output


def test_ini_beats_default(pytester):
    _, output = header(
        pytester, "-o", "conformance_profile=robust", "-o", "conformance_target=reference_app.lesson.app:app"
    )
    assert "target reference_app.lesson.app:app, profile robust" in output


def test_bad_value_names_its_source(pytester, monkeypatch):
    monkeypatch.setenv("FLASK_CONFORMANCE_PROFILE", "strict")
    result, output = header(pytester)
    assert result.ret == 4
    assert "FLASK_CONFORMANCE_PROFILE is 'strict', which is not a profile: choose tutorial or robust" in output


def test_hypothesis_profile_is_printed(pytester):
    _, output = header(pytester, "--examples", "7")
    assert "hypothesis profile 'flask-conformance': derandomize=True, database=None, max_examples=7" in output


def test_options_are_typed_on_the_command_line(pytester):
    """argparse checks a value as it parses it, as pytest-timeout's --timeout is checked: the usage error
    names the flag and the kind of value it takes."""
    for flag, value, kind in (
        ("--examples", "0", "positive_integer"),
        ("--request-timeout", "soon", "positive_seconds"),
        ("--time-limit", "nan", "positive_seconds"),
        ("--conformance-profile", "strict", "profile_name"),
    ):
        result, output = header(pytester, flag, value)
        assert result.ret == 4
        assert f"argument {flag}: invalid {kind} value: '{value}'" in output
