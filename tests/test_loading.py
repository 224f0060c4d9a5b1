"""Loading an app in-process leaves nothing behind and never starts a server."""

from __future__ import annotations

import os
import sys

import pytest

from conftest import IMPLEMENTATIONS
from flask_conformance.transports.loading import AppSpec, LoadError, load_app


def test_import_leaves_modules_path_cwd_and_environment_as_they_were():
    before = (set(sys.modules), list(sys.path), os.getcwd(), dict(os.environ))
    app, description = load_app(AppSpec(path=IMPLEMENTATIONS / "correct" / "blueprint"))
    assert description == "app.py:create_app()"
    assert (set(sys.modules), list(sys.path), os.getcwd(), dict(os.environ)) == before
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
