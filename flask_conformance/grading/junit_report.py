"""One JUnit XML file for a graded class: a test suite per submission, a test case per requirement.

CI systems (GitHub Actions, GitLab, Jenkins) read it to show the class as tests. Built from each
submission's results.json, so it says exactly what the gradebook says; written atomically.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

from ..data.atomic_file import write_atomically

# XML 1.0 has no place for most control characters, and a submission's text may hold any.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _text(value: str) -> str:
    return _NOT_XML.sub("\ufffd", value)


def _suite(name: str, status: str, seconds: float, results: dict[str, Any] | None) -> ElementTree.Element:
    suite = ElementTree.Element("testsuite", name=_text(name), time=f"{seconds:.3f}")
    tests = results["tests"] if results else []
    failures = errors = 0
    for test in tests:
        case = ElementTree.SubElement(suite, "testcase", classname=_text(name), name=_text(test["name"]))
        output = _text(str(test.get("output", "")))
        kind = "error" if "grader-error" in test.get("tags", []) else "failure" if test["status"] == "failed" else ""
        if kind:
            ElementTree.SubElement(case, kind, message=(output.splitlines() or [""])[0]).text = output
        errors += kind == "error"
        failures += kind == "failure"
    if not tests:  # never graded: one case that says why
        case = ElementTree.SubElement(suite, "testcase", classname=_text(name), name="grading")
        ElementTree.SubElement(case, "error", message=_text(status)).text = _text(status)
        errors += 1
    suite.set("tests", str(max(1, len(tests))))
    suite.set("failures", str(failures))
    suite.set("errors", str(errors))
    suite.set("skipped", "0")
    return suite


def write_junit(path: Path, out: Path, records: list[Any]) -> None:
    """``records`` are the batch's records (name, status, seconds); each one's results.json is in ``out``."""
    root = ElementTree.Element("testsuites", name="flask-conformance")
    for record in records:
        try:
            results = json.loads((out / record.name / "results.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            results = None
        root.append(_suite(record.name, record.status, record.seconds, results))
    for total in ("tests", "failures", "errors"):
        root.set(total, str(sum(int(suite.get(total, "0")) for suite in root)))
    ElementTree.indent(root)
    write_atomically(path, ElementTree.tostring(root, encoding="unicode", xml_declaration=True) + "\n")
