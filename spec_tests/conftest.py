"""The spec's fixtures and markers, here so that they exist for the spec's tests alone (see
flask_conformance.pytest_plugin.fixtures): a project with the kit installed keeps its own."""

import pytest

from flask_conformance.pytest_plugin.fixtures import *  # noqa: F403


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "requirement(id): the requirement ID (see SPEC.md) a spec test checks")
    config.addinivalue_line("markers", "browser: drives headless Chromium (skipped, saying why, when there is none)")
