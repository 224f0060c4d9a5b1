"""A sandboxed submission has no network, a scrubbed environment, and nothing to write but its copy."""

from __future__ import annotations

import json
import os
import socket

import pytest

from conftest import IMPLEMENTATIONS
from flask_conformance.data.exchange import Request
from flask_conformance.sandbox.sandbox import SandboxTransport
from flask_conformance.transports.loading import AppSpec

PROBE = IMPLEMENTATIONS / "probes" / "isolation_probe.py"
needs_root = pytest.mark.skipif(os.getuid() != 0, reason="namespaces and read-only mounts need root")


@pytest.fixture
def probe(tmp_path, monkeypatch):
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    outside = tmp_path / "results.json"
    outside.write_text("original")
    source = PROBE.read_text().replace("PORT = 0", f"PORT = {listener.getsockname()[1]}")
    source = source.replace('TARGET = ""', f"TARGET = {str(outside)!r}")
    submission = tmp_path / "probe.py"
    submission.write_text(source)
    monkeypatch.setenv("GRADER_SECRET", "s3cret")
    sandbox = SandboxTransport(AppSpec(path=submission))
    sandbox.start()
    response = sandbox.handle_request(Request("GET", "/probe"))
    sandbox.close()
    listener.close()
    assert response.status == 200, response
    report = json.loads(response.body)
    return report, outside, report["copy_written"]


@needs_root
def test_no_network(probe):
    report, _, _ = probe
    assert report["connect"] in ("OSError", "ConnectionRefusedError")


@needs_root
def test_nothing_to_write_but_its_copy(probe):
    report, outside, copy_written = probe
    # Under bubblewrap the grader's folders do not exist for the child; elsewhere they are read-only to it.
    assert report["write_outside"] in ("FileNotFoundError", "OSError", "PermissionError")
    assert outside.read_text() == "original"
    assert copy_written


def test_environment_is_scrubbed(probe):
    report, _, _ = probe
    assert "GRADER_SECRET" not in report["environment"]
    assert set(report["environment"]) <= {
        "PATH",
        "HOME",
        "LANG",
        "PYTHONDONTWRITEBYTECODE",
        "FLASK_RUN_FROM_CLI",
        "TMPDIR",
    }


@needs_root
def test_own_pid_namespace(probe):
    """Its own PID namespace: bubblewrap's init (1) and the app (2), nothing of the machine."""
    report, _, _ = probe
    assert report["pid"] == 2
    assert report["visible_processes"] == [1, 2]
