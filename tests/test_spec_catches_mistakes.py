"""Every wrong implementation fails the requirement its mistake breaks, and every spec test
has been seen failing on at least one of them: the table below is that evidence."""

from __future__ import annotations

import re

import pytest

from conftest import IMPLEMENTATIONS, ROOT, SPEC, function_name, run_spec
from flask_conformance.data.requirements import REQUIREMENTS, in_profile

WRONG = IMPLEMENTATIONS / "wrong"
ROBUST_WRONG = IMPLEMENTATIONS / "robust_wrong"

# implementation -> the spec tests (functions) it must fail under the tutorial profile
TUTORIAL_MISTAKES = {
    "args_on_post.py": {
        "test_post_reads_form",
        "test_post_prefers_form_to_query",
        "test_post_ignores_query",
        "test_names_by_post",
    },
    "form_on_get.py": {
        "test_get_reads_query",
        "test_get_prefers_query_to_body",
        "test_get_ignores_body",
        "test_names_by_get",
    },
    "cuts_names.py": {"test_names_by_post", "test_names_by_get"},
    "fstring_location.py": {"test_names_by_post", "test_names_by_get", "test_redirect_target"},
    "get_only.py": {"test_login_accepts_post", "test_login_refuses_other_methods", "test_options_lists_methods"},
    "post_only.py": {"test_login_accepts_get", "test_get_reads_query", "test_names_by_get"},
    "head_differs.py": {"test_head_login_mirrors_get", "test_head_success_mirrors_get"},
    "head_with_body.py": {"test_head_login_mirrors_get", "test_head_success_mirrors_get"},
    "login_accepts_everything.py": {"test_login_refuses_other_methods"},
    "success_accepts_everything.py": {"test_success_is_get_only"},
    "manual_body_parse.py": {"test_post_reads_form"},
    "no_redirect.py": {"test_redirect_status", "test_login_accepts_get", "test_login_accepts_post"},
    "no_routes.py": {"test_head_login_mirrors_get", "test_head_success_mirrors_get", "test_welcome_page"},
    "options_without_allow.py": {"test_options_lists_methods"},
    "quote_plus.py": {"test_names_by_post", "test_names_by_get", "test_redirect_target"},
    "status_301.py": {"test_redirect_status"},
    "status_307.py": {"test_redirect_status"},
    "strips_name.py": {"test_names_by_post", "test_names_by_get"},
    "trailing_slash.py": {"test_redirect_status", "test_redirect_target"},
    "values_instead_of_form.py": {"test_post_prefers_form_to_query", "test_post_ignores_query"},
    "welcome_lowercases.py": {"test_names_by_post", "test_names_by_get"},
    "welcome_route_renamed.py": {"test_redirect_target", "test_welcome_page"},
    "welcome_typo.py": {"test_welcome_page"},
    "welcome_with_counter.py": {"test_welcome_page", "test_names_by_post", "test_names_by_get"},
    "form_wrong_action": {"test_form_action", "test_walkthrough_as_written", "test_walkthrough_with_get"},
    "form_wrong_field": {"test_form_text_input", "test_walkthrough_as_written", "test_walkthrough_with_get"},
    "form_wrong_method": {"test_form_method"},
    "form_no_submit": {"test_form_submit"},
    "form_name_spaces": {"test_form_text_input", "test_walkthrough_as_written", "test_walkthrough_with_get"},
    "form_disabled_field": {"test_form_text_input", "test_walkthrough_as_written", "test_walkthrough_with_get"},
}

# implementation -> the robust spec tests it must fail under the robust profile
ROBUST_MISTAKES = {
    "unescaped.py": {"test_name_is_escaped"},
    "slash_allowed.py": {"test_unroutable_names", "test_every_name_ends_well"},
    "missing_name_500.py": {"test_missing_name_is_refused", "test_no_server_errors"},
    "crashes_on_bad_bytes.py": {"test_no_server_errors"},
    "crashes_on_bad_query.py": {"test_no_server_errors"},
    "bare_401.py": {"test_missing_name_is_refused", "test_unroutable_names", "test_every_name_ends_well"},
    "no_charset": {"test_form_page_declares_utf8", "test_non_ascii_name_arrives_intact"},
}


def profile_run(pytester, target, profile):
    """One run per implementation and profile, browser checks included, shared by every test here."""
    return run_spec(pytester, "--target", str(target), "--in-process", "--conformance-profile", profile)


def tutorial_run(pytester, name):
    return profile_run(pytester, WRONG / name, "tutorial")


def robust_run(pytester, name):
    return profile_run(pytester, ROBUST_WRONG / name, "robust")


def test_there_are_enough_wrong_implementations():
    assert len(TUTORIAL_MISTAKES) >= 15
    assert {path.name for path in WRONG.iterdir() if not path.name.startswith("_")} == set(TUTORIAL_MISTAKES)
    assert {path.name for path in ROBUST_WRONG.iterdir() if not path.name.startswith("_")} == set(ROBUST_MISTAKES)


@pytest.mark.parametrize("name", sorted(TUTORIAL_MISTAKES))
def test_wrong_implementation_fails_tutorial(pytester, name):
    run = tutorial_run(pytester, name)
    assert run.ret == 1, run.output
    missing = TUTORIAL_MISTAKES[name] - run.failed_functions()
    assert not missing, f"{name} should fail {missing}\n{run.output}"


@pytest.mark.parametrize("name", sorted(ROBUST_MISTAKES))
def test_wrong_implementation_fails_robust(pytester, name):
    run = robust_run(pytester, name)
    assert run.ret == 1, run.output
    missing = ROBUST_MISTAKES[name] - run.failed_functions()
    assert not missing, f"{name} should fail {missing}\n{run.output}"
    assert all(function_name(node) in ROBUST_SPEC_FUNCTIONS for node in run.failed), "only robust checks should fail"


ROBUST_SPEC_FUNCTIONS = {
    "test_missing_name_is_refused",
    "test_no_server_errors",
    "test_unroutable_names",
    "test_every_name_ends_well",
    "test_name_is_escaped",
    "test_form_page_declares_utf8",
    "test_non_ascii_name_arrives_intact",
}


def all_spec_nodes(pytester, profile):
    run = run_spec(
        pytester,
        "--conformance-profile",
        profile,
        "--in-process",
        "--target",
        str(IMPLEMENTATIONS.parent.parent / "reference_app" / "robust"),
    )
    assert run.ret == 0, run.output
    return run.passed


def test_every_spec_test_has_been_seen_failing(pytester):
    """Each test of both profiles (each parameter too) fails on at least one wrong implementation."""
    seen = set()
    for name in TUTORIAL_MISTAKES:
        seen |= tutorial_run(pytester, name).failed
    for name in ROBUST_MISTAKES:
        seen |= robust_run(pytester, name).failed
    never_failed = all_spec_nodes(pytester, "robust") - seen
    assert not never_failed, f"spec tests never seen failing: {sorted(never_failed)}"
    assert SPEC.is_dir()


CORRECT = IMPLEMENTATIONS / "correct"


@pytest.mark.parametrize("name", sorted(path.name for path in CORRECT.iterdir() if not path.name.startswith("_")))
def test_correct_implementation_passes_tutorial(pytester, name):
    """Correct in ways the lesson does not show: a factory, a blueprint, a 303, the name in markup, a page
    that never closes its <head>, a text/plain welcome page, ..."""
    run = run_spec(pytester, "--target", str(CORRECT / name), "--in-process", "-m", "not browser")
    assert run.ret == 0 and run.passed, run.output


def test_a_view_that_imports_flask_as_it_runs_passes_in_its_sandbox(pytester):
    """The sandbox's child keeps what the app's import left (Flask, sys.path, the environment), as ``python
    app.py`` does. Seen failing: 17 checks lost, the view's ``from flask import request`` a second Flask."""
    run = run_spec(pytester, "--target", str(CORRECT / "imports_in_view.py"), "-m", "not browser")
    assert run.ret == 0 and run.passed and not run.failed, run.output


def test_a_plain_text_page_shows_markup_as_text(pytester):
    run = run_spec(
        pytester,
        "--target",
        str(CORRECT / "plain_text_page.py"),
        "--in-process",
        "--conformance-profile",
        "robust",
        "-k",
        "escaped",
    )
    assert run.ret == 0 and len(run.passed) == 4, run.output


ROW = re.compile(r"^\| `((?:wrong|robust_wrong)/[^`]+)` \| (.+) \| (.+) \|$")


def exact_table() -> dict[str, tuple[set[str], set[str]]]:
    """SPEC.md's table: implementation -> (fails under tutorial, fails besides under robust)."""

    def ids(cell: str) -> set[str]:
        return set() if cell == "none" else {name.strip(" `") for name in cell.split(",")}

    rows = (ROW.match(line) for line in (ROOT / "SPEC.md").read_text().splitlines())
    return {row[1]: (ids(row[2]), ids(row[3])) for row in rows if row}


EXACT = exact_table()
ROBUST_IDS = {requirement_id for requirement_id in REQUIREMENTS if not in_profile(requirement_id, "tutorial")}


@pytest.mark.parametrize("profile", ["tutorial", "robust"])
@pytest.mark.parametrize("name", sorted(EXACT))
def test_one_mistake_fails_exactly_its_requirements(pytester, name, profile):
    """Not a subset: a 301 fails REDIRECT-STATUS and nothing else, 'Welcome, %s' fails WELCOME alone.
    Under robust, exactly the tutorial set and the robust requirements SPEC.md lists besides."""
    tutorial, besides = EXACT[name]
    expected = tutorial | besides if profile == "robust" else tutorial
    run = profile_run(pytester, IMPLEMENTATIONS / name, profile)
    assert run.failed_requirements == expected, run.output


def test_every_wrong_implementation_has_an_exact_set():
    listed = {f"wrong/{name}" for name in TUTORIAL_MISTAKES} | {f"robust_wrong/{name}" for name in ROBUST_MISTAKES}
    assert set(EXACT) == listed
    assert all(not besides - ROBUST_IDS for _, besides in EXACT.values())
    assert all(not tutorial for name, (tutorial, _) in EXACT.items() if name.startswith("robust_wrong/"))
