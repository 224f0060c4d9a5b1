"""SPEC.md, the requirements registry and the spec tests name the same requirements."""

from __future__ import annotations

import ast
import re

from conftest import ROOT, SPEC
from flask_conformance.data.requirements import REQUIREMENTS

ROW = re.compile(r"^\| `(?P<id>[A-Z0-9-]+)` \| (?P<profile>\w+) \| (?P<points>[\d.]+) \|.*\| (?P<tests>[^|]*) \|$")


def document_rows():
    return {match["id"]: match for line in (ROOT / "SPEC.md").read_text().splitlines() if (match := ROW.match(line))}


def ids_named_by_spec_tests():
    named: dict[str, set[str]] = {}
    for path in SPEC.glob("test_*.py"):
        for node in ast.parse(path.read_text()).body:
            if not isinstance(node, ast.FunctionDef):
                continue
            for decorator in node.decorator_list:
                if isinstance(decorator, ast.Call) and getattr(decorator.func, "attr", "") == "requirement":
                    named.setdefault(decorator.args[0].value, set()).add(f"{path.stem}::{node.name}")
    return named


def test_document_lists_exactly_the_registry():
    rows = document_rows()
    assert set(rows) == set(REQUIREMENTS)
    for requirement_id, row in rows.items():
        assert row["profile"] == REQUIREMENTS[requirement_id].profile
        assert float(row["points"]) == REQUIREMENTS[requirement_id].points


def test_every_id_has_a_test_and_every_test_names_a_known_id():
    named = ids_named_by_spec_tests()
    assert set(named) <= set(REQUIREMENTS), f"tests name unknown IDs: {set(named) - set(REQUIREMENTS)}"
    assert set(REQUIREMENTS) <= set(named), f"IDs without a test: {set(REQUIREMENTS) - set(named)}"


def test_document_names_the_tests_of_each_id():
    named = ids_named_by_spec_tests()
    for requirement_id, row in document_rows().items():
        listed = set(re.findall(r"`([\w:]+)`", row["tests"]))
        assert listed == named[requirement_id], requirement_id


def test_every_spec_test_names_a_requirement():
    for path in SPEC.glob("test_*.py"):
        for node in ast.parse(path.read_text()).body:
            if isinstance(node, ast.FunctionDef) and node.name.startswith("test_"):
                assert any(
                    isinstance(decorator, ast.Call) and getattr(decorator.func, "attr", "") == "requirement"
                    for decorator in node.decorator_list
                ), f"{path.name}::{node.name} names no requirement"


def test_browser_requirements_are_the_ones_checked_in_chromium():
    """Batch grading leaves browser requirements out of a grade unless --browser: the flag must match the marker."""
    module = SPEC / "test_browser.py"
    assert "pytestmark = pytest.mark.browser" in module.read_text()
    in_chromium = {
        requirement_id
        for requirement_id, tests in ids_named_by_spec_tests().items()
        if any(test.startswith("test_browser::") for test in tests)
    }
    assert in_chromium == {
        requirement_id for requirement_id, requirement in REQUIREMENTS.items() if requirement.browser
    }
