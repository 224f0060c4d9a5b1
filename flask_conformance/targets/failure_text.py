"""The text a student sees for a failed check: the kit's message, never its traceback."""

from __future__ import annotations

import re

_FALSIFYING = re.compile(
    r"^(?:Falsifying|Failing)(?: explicit)? (?:example|test case): \w+\((?P<arguments>.*)\)$", re.DOTALL
)
# Fixture objects and Hypothesis's interactive ``data`` say nothing a student can use; nor do the spec's
# own parameter names (``batch=``).
_FIXTURE_ARGUMENT = re.compile(r"\s*\w+=(?:<[^>]*>|data\(\.\.\.\)),?")
_PARAMETER_NAME = re.compile(r"(?:(?<=^)|(?<=, ))\w+=")
_ONE_ITEM_LIST = re.compile(r"^\[(?P<item>'[^']*'|\"[^\"]*\")\]$")


def failure_text(error: BaseException) -> str:
    """The failure's message, plus Hypothesis's smallest example when there is one."""
    lines = [str(error)]
    for note in getattr(error, "__notes__", []):
        match = _FALSIFYING.match(note.strip())
        if match:
            arguments = " ".join(_FIXTURE_ARGUMENT.sub("", match["arguments"]).split()).strip(", ")
            arguments = _PARAMETER_NAME.sub("", arguments)
            arguments = _ONE_ITEM_LIST.sub(r"\g<item>", arguments)
            if arguments:
                lines.append(f"    (smallest failing example found: {arguments})")
    return "\n".join(lines)
