"""The package's public names are exactly those its __init__ re-exports."""

import flask_conformance


def test_public_names():
    exported = {name for name in vars(flask_conformance) if not name.startswith("_")}
    modules = {name for name, value in vars(flask_conformance).items() if type(value).__name__ == "module"}
    assert exported - modules == {
        "AppSpec",
        "Client",
        "ConformanceFailure",
        "Exchange",
        "HttpTransport",
        "Limits",
        "LoadError",
        "REQUIREMENTS",
        "Request",
        "Requirement",
        "Response",
        "SandboxTransport",
        "Target",
        "Transport",
        "WsgiTransport",
        "open_target",
    }
    for name in exported - modules:
        if name != "REQUIREMENTS":
            assert getattr(flask_conformance, name).__module__.startswith("flask_conformance.")
