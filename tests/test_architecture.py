"""Each module of flask_conformance imports only from its own layer or lower ones (ARCHITECTURE.md)."""

from __future__ import annotations

import ast

from conftest import ROOT

LAYERS = [
    {"exchange", "requirements", "atomic_file", "limits", "grader_error"},
    {"urls", "pages", "form_page", "rubric", "strategies", "browser", "comparison", "corpus", "submission_copy"},
    {"transport", "loading", "sandbox_protocol"},
    {"sandbox_child", "sandbox", "sandbox_command", "uid_pool", "cgroups", "tree_watch"},
    {"targets", "client", "failure_text", "live_server", "browser_check", "differential", "behaviour_lock"},
    {"grading", "results_json", "feedback", "class_report", "report_charts", "junit_report"},
    {"settings", "plugin", "results_collector", "fixtures"},
    {"batch", "cli"},
]
PACKAGE = ROOT / "flask_conformance"


def layer_of(module: str) -> int:
    return next(index for index, layer in enumerate(LAYERS) if module in layer)


def imported_siblings(path):
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.level == 1:
            if node.module:
                yield node.module.split(".")[0]
            else:
                yield from (alias.name for alias in node.names)


def test_every_module_has_a_layer():
    modules = {path.stem for path in PACKAGE.glob("*.py")} - {"__init__", "__main__"}
    assert modules == set().union(*LAYERS)


def test_no_module_imports_upwards():
    for path in PACKAGE.glob("*.py"):
        if path.stem in ("__init__", "__main__"):
            continue
        for sibling in imported_siblings(path):
            assert layer_of(sibling) <= layer_of(path.stem), f"{path.stem} imports {sibling}, a higher layer"
