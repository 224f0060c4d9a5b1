"""The folders of flask_conformance are its layers (ARCHITECTURE.md): each module lives in one, and imports
only from its own layer or lower ones."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from conftest import MACHINE_WIDE, ROOT, WHOLE_MODULES

# Lowest first: a module may import from its own folder or one before it.
LAYERS = ["data", "reading", "transports", "sandbox", "targets", "grading", "pytest_plugin", "commands"]
PACKAGE = ROOT / "flask_conformance"


def modules() -> list[Path]:
    return [path for path in PACKAGE.rglob("*.py") if path.name != "__init__.py" and path.parent != PACKAGE]


def imported_folders(path: Path):
    """The layer folder of each kit module ``path`` imports (relative imports, the kit's only kind)."""
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.level == 1:
            yield path.parent.name
        elif isinstance(node, ast.ImportFrom) and node.level == 2:
            yield (node.module or "").split(".")[0] or next(alias.name for alias in node.names)


def test_the_package_root_holds_only_the_layers():
    loose = {path.name for path in PACKAGE.glob("*.py")} - {"__init__.py", "__main__.py"}
    folders = {path.name for path in PACKAGE.iterdir() if path.is_dir() and (path / "__init__.py").exists()}
    assert not loose and folders == set(LAYERS)


def test_every_layer_init_only_documents():
    for layer in LAYERS:
        tree = ast.parse((PACKAGE / layer / "__init__.py").read_text())
        assert len(tree.body) == 1 and isinstance(tree.body[0], ast.Expr), layer


def test_no_module_imports_upwards():
    assert len(modules()) > 30
    for path in modules():
        for folder in imported_folders(path):
            assert LAYERS.index(folder) <= LAYERS.index(path.parent.name), f"{path} imports from {folder}"


def test_every_module_built_once_runs_whole_on_one_xdist_worker():
    """A module-scoped fixture dealt out over two workers would be built twice: conftest.py must list it."""
    built_once = {
        f"tests/{path.name}"
        for path in (ROOT / "tests").glob("test_*.py")
        if re.search(r'fixture\(scope="(module|session)"', path.read_text())
    }
    assert built_once <= set(MACHINE_WIDE) | set(WHOLE_MODULES)
