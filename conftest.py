"""Plugs the chosen target into the suite: ``pytest spec_tests --target T [--conformance-profile P]``."""

pytest_plugins = ["flask_conformance.pytest_plugin.plugin"]
