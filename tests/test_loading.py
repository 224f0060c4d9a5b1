"""Loading an app in-process leaves nothing behind and never starts a server."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from conftest import IMPLEMENTATIONS
from flask_conformance.transports.loading import AppSpec, LoadError, load_app


def test_import_leaves_path_cwd_and_environment_as_they_were_and_forgets_the_submissions_modules():
    """The submission's own modules go (the next one's ``app`` is its own); the libraries they imported
    stay (a view that imports Flask as it runs finds the Flask its app was built with)."""
    folder = (IMPLEMENTATIONS / "correct" / "blueprint").resolve()
    modules = set(sys.modules)
    before = (list(sys.path), os.getcwd(), dict(os.environ))
    app, description = load_app(AppSpec(path=folder))
    assert description == "app.py:create_app()"
    assert (list(sys.path), os.getcwd(), dict(os.environ)) == before
    files = [getattr(sys.modules[name], "__file__", None) for name in set(sys.modules) - modules]
    assert all(file and not Path(file).resolve().is_relative_to(folder) for file in files), files
    assert {"app", "views"}.isdisjoint(sys.modules)
    assert app.test_client().get("/login?nm=x").headers["Location"] == "/success/x"


def test_module_level_app_run_does_not_start_a_server():
    _app, description = load_app(AppSpec(path=IMPLEMENTATIONS / "correct" / "run_at_module_level.py"))
    assert description == "run_at_module_level.py:app"


def test_two_loads_of_same_named_modules_do_not_mix():
    first, _ = load_app(AppSpec(path=IMPLEMENTATIONS / "wrong" / "welcome_typo.py"))
    second, _ = load_app(AppSpec(path=IMPLEMENTATIONS / "wrong" / "welcome_lowercases.py"))
    assert first.test_client().get("/success/Bob").text == "Welcome, Bob"
    assert second.test_client().get("/success/Bob").text == "welcome bob"


def test_named_attribute_that_is_missing():
    with pytest.raises(LoadError, match="has no attribute 'nope'"):
        load_app(AppSpec(module="reference_app.lesson.app", attribute="nope"))


def test_finding_the_app_in_a_folder_is_guarded_like_importing_it(tmp_path, monkeypatch):
    """Finding the app imports Flask, which a file of the submission can break (a werkzeug.py of its own,
    in a fresh interpreter). Seen failing: the ImportError left the loader, and a sandbox died of it, its
    student told to remove an exit from module level."""
    (tmp_path / "app.py").write_text("from flask import Flask\napp = Flask(__name__)\n")
    from flask_conformance.transports import loading

    def broken_flask(*arguments: object) -> None:
        raise ModuleNotFoundError("No module named 'werkzeug.local'; 'werkzeug' is not a package")

    monkeypatch.setattr(loading, "find_app", broken_flask)
    with pytest.raises(LoadError, match=r"^importing app\.py raised ModuleNotFoundError: No module named 'werkz"):
        load_app(AppSpec(path=tmp_path))


@pytest.mark.parametrize("layout", ["flask_tutorial_layout", "package_layout", "blueprint"])
def test_a_folder_named_by_a_relative_path_loads_as_by_an_absolute_one(layout, monkeypatch):
    """``--target student`` from the class's folder: the loader changes into the submission's folder, so a
    relative folder put on ``sys.path`` named nothing there any more. Seen failing: the package of Flask's
    tutorial layout was 'No module named flaskr', a correct submission's grade 0 in-process."""
    monkeypatch.chdir(IMPLEMENTATIONS / "correct")
    app, _ = load_app(AppSpec(path=Path(layout)))
    assert app.test_client().get("/login?nm=x").headers["Location"] == "/success/x"
