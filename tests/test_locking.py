"""Behaviour locks: both references are locked, a change fails with a diff per request."""

from __future__ import annotations

import shutil

from click.testing import CliRunner

from conftest import IMPLEMENTATIONS, ROOT, run_spec
from flask_conformance.commands.cli import main
from flask_conformance.targets.behaviour_lock import parse

LOCK = "test_behaviour_lock.py::test_answers_match_the_lock"
REFERENCES = {
    "reference_app.lesson.app:app": ROOT / "reference_app" / "lesson" / "behaviour.lock",
    "reference_app.robust.app:app": ROOT / "reference_app" / "robust" / "behaviour.lock",
}


def test_both_references_match_their_locks(pytester):
    for target, lock in REFERENCES.items():
        run = run_spec(pytester, "--target", target, "--lock", str(lock), "-k", "lock")
        assert run.ret == 0 and LOCK in run.passed, run.output


def test_a_change_fails_with_the_diff_of_each_changed_request(pytester):
    lock = REFERENCES["reference_app.lesson.app:app"]
    run = run_spec(
        pytester, "--target", str(IMPLEMENTATIONS / "correct" / "see_other.py"), "--lock", str(lock), "-k", "lock"
    )
    assert run.failed == {LOCK}
    assert "LOCK-BEHAVIOUR: " in run.output and "answers changed" in run.output
    assert "=== POST /login\n" in run.output and "-< 302\n+< 303" in run.output


def test_update_lock_rewrites_on_purpose(pytester, tmp_path):
    lock = tmp_path / "behaviour.lock"
    shutil.copy(REFERENCES["reference_app.lesson.app:app"], lock)
    target = str(IMPLEMENTATIONS / "correct" / "see_other.py")
    assert run_spec(pytester, "--target", target, "--lock", str(lock), "--update-lock", "-k", "lock").ret == 0
    assert "< 303" in lock.read_text()
    assert run_spec(pytester, "--target", target, "--lock", str(lock), "-k", "lock").ret == 0


def test_missing_lock_says_how_to_record_one(pytester, tmp_path):
    run = run_spec(pytester, "--lock", str(tmp_path / "none.lock"), "-k", "lock")
    assert run.failed == {LOCK}
    assert "flask-conformance lock reference_app.robust.app:app --out" in run.output


def test_lock_command_records_the_same_answers_from_a_sandbox(tmp_path):
    out = tmp_path / "lesson.lock"
    result = CliRunner().invoke(main, ["lock", str(ROOT / "reference_app" / "lesson" / "app.py"), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert parse(out.read_text()) == parse(REFERENCES["reference_app.lesson.app:app"].read_text())


def test_lock_command_on_an_unloadable_target_exits_1(tmp_path):
    result = CliRunner().invoke(
        main, ["lock", str(IMPLEMENTATIONS / "broken" / "no_app.py"), "--out", str(tmp_path / "x")]
    )
    assert result.exit_code == 1 and "cannot load" in result.output
