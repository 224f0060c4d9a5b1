"""The text a student sees for a failed check: the kit's message, never its traceback."""

from __future__ import annotations

import re

_FALSIFYING = re.compile(
    r"^(?:Falsifying|Failing)(?: explicit)? (?:example|test case): \w+\((?P<arguments>.*)\)$", re.DOTALL
)
# Fixture objects and Hypothesis's interactive ``data`` say nothing a student can use.
_FIXTURE_ARGUMENT = re.compile(r"\s*\w+=(?:<[^>]*>|data\(\.\.\.\)),?")


def failure_text(error: BaseException) -> str:
    """The failure's message, plus Hypothesis's smallest example when there is one."""
    lines = [str(error)]
    for note in getattr(error, "__notes__", []):
        match = _FALSIFYING.match(note.strip())
        if match:
            arguments = " ".join(_FIXTURE_ARGUMENT.sub("", match["arguments"]).split()).strip(", ")
            if arguments:
                lines.append(f"    (smallest failing example found: {arguments})")
    return "\n".join(lines)
