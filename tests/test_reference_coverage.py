"""The spec covers every line and branch of both reference apps (pytest-cov, enforced here, so in CI)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from conftest import ROOT

REFERENCES = {"lesson": "tutorial", "robust": "robust"}


@pytest.mark.parametrize("name", sorted(REFERENCES))
def test_spec_covers_every_line_and_branch(name, tmp_path):
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "spec_tests",
            "-q",
            "-p",
            "no:cacheprovider",
            "-m",
            "not browser",  # the browser walk reads login.html; the Python is covered without it
            "--target",
            f"reference_app.{name}.app:app",
            "--conformance-profile",
            REFERENCES[name],
            f"--cov=reference_app.{name}",
            "--cov-branch",
            "--cov-report=term-missing",
            "--cov-fail-under=100",
        ],
        cwd=ROOT,
        env={"PATH": "/usr/bin:/bin", "COVERAGE_FILE": str(tmp_path / ".coverage"), "HOME": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert "Required test coverage of 100% reached" in result.stdout
