"""The sandbox's design, checked from its parts: what the child can import, and what it is given."""

from __future__ import annotations

import ast
import os
import sys
from pathlib import Path

import pytest

from conftest import ROOT
from flask_conformance.sandbox import sandbox_command
from flask_conformance.sandbox.sandbox_child import CHILD_MODULES
from flask_conformance.sandbox.zygote import ZYGOTE_MODULES

PACKAGE = ROOT / "flask_conformance"


def kit_imports(path: Path) -> set[str]:
    """The kit modules a module imports, as paths inside the package (``data/exchange.py``)."""
    found = set()
    folder = path.parent.relative_to(PACKAGE)
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.level in (1, 2):
            base = folder if node.level == 1 else Path()
            parts = (node.module or "").split(".") if node.module else []
            if node.module:
                found.add(str(base.joinpath(*parts)) + ".py")
            else:
                found.update(str(base / alias.name) + ".py" for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("flask_conformance"):
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name.startswith("flask_conformance"))
    return found


def _closure(program: str) -> set[str]:
    closure = {program}
    frontier = [program]
    while frontier:
        for name in kit_imports(PACKAGE / frontier.pop()):
            if name not in closure:
                closure.add(name)
                frontier.append(name)
    return closure


def test_the_child_imports_only_the_modules_it_is_given():
    """The sandbox binds CHILD_MODULES and nothing else of the kit: their imports must stay among them."""
    assert _closure("sandbox/sandbox_child.py") == set(CHILD_MODULES)


def test_the_zygote_imports_only_the_modules_it_is_given():
    """The zygote is given ZYGOTE_MODULES, the child's and its own program: nothing of the grader's."""
    assert _closure("sandbox/zygote_child.py") == set(ZYGOTE_MODULES)


def test_the_child_command_passes_no_environment_and_one_descriptor(tmp_path):
    command = sandbox_command.interpreter_command("/opt/kit", 7)
    assert command[:4] == [sys.executable, "-I", "-B", "-c"]
    assert "main(7)" in command[-1] and "/opt/kit" in command[-1]


def test_bubblewrap_binds_no_folder_of_the_kit_or_the_class(tmp_path):
    command = sandbox_command.bubblewrap_command(
        "bwrap", tmp_path, 1 << 20, sandbox_command.interpreter_command(sandbox_command.INSIDE_KIT, 3)
    )
    binds = [command[index + 1] for index, word in enumerate(command) if word in ("--ro-bind", "--bind")]
    assert str(ROOT) not in binds
    for source in binds:
        assert not (ROOT / "spec_tests").is_relative_to(Path(source))
        assert not (ROOT / "examples").is_relative_to(Path(source))
    assert str(tmp_path / "submission") in binds and str(tmp_path / "kit") in binds
    devices = [command[index + 1] for index, word in enumerate(command) if word == "--dev-bind"]
    assert devices == [f"/dev/{name}" for name in ("null", "zero", "random", "urandom")]
    assert "--clearenv" in command and "--die-with-parent" in command
    for namespace in ("--unshare-ipc", "--unshare-pid", "--unshare-net", "--unshare-uts"):
        assert namespace in command
    if os.getuid() == 0:
        capabilities = command[command.index("--cap-drop") : command.index("--")]
        assert capabilities == ["--cap-drop", "ALL", "--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID"]


def test_the_writable_tmpfs_cannot_hide_an_interpreter_under_tmp(tmp_path):
    """A CI clone's .venv lives under /tmp: it must be bound after the sandbox's own /tmp is mounted."""
    command = sandbox_command.bubblewrap_command(
        "bwrap", tmp_path, 1 << 20, sandbox_command.interpreter_command(sandbox_command.INSIDE_KIT, 3)
    )
    tmpfs = command.index(sandbox_command.INSIDE_TMP, command.index("--tmpfs"))
    for folder in sandbox_command.interpreter_folders():
        assert command.index(str(folder)) > tmpfs
    assert ["--perms", "0755", "--dir", sandbox_command.INSIDE_TMP] not in [
        command[index : index + 4] for index in range(len(command))
    ]


def test_a_sandbox_interrupted_while_it_copies_the_submission_leaves_no_workspace(monkeypatch):
    """Ctrl-C (or SIGTERM) during the copy of a large submission: the constructor never returned, so no
    close() came for the workspace it had made."""
    import tempfile

    from flask_conformance.sandbox import sandbox
    from flask_conformance.transports.loading import AppSpec

    def interrupted(spec: object, workspace: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(sandbox, "_prepare", interrupted)
    mine = f"{sandbox.WORKSPACE_PREFIX}{os.getpid()}-"
    before = set(Path(tempfile.gettempdir()).glob(mine + "*"))
    with pytest.raises(KeyboardInterrupt):
        sandbox.SandboxTransport(AppSpec(path=ROOT / "reference_app" / "lesson" / "app.py"))
    assert set(Path(tempfile.gettempdir()).glob(mine + "*")) <= before
