"""The text a student sees for a failed check: the kit's message, never its traceback."""

from __future__ import annotations

import re
from collections.abc import Iterable

from .client import ConformanceFailure

_FALSIFYING = re.compile(
    r"^(?:Falsifying|Failing)(?: explicit)? (?:example|test case): \w+\((?P<arguments>.*)\)$", re.DOTALL
)
# Fixture objects and Hypothesis's interactive ``data`` say nothing a student can use; nor do the spec's
# own parameter names (``batch=``).
_FIXTURE_ARGUMENT = re.compile(r"\s*\w+=(?:<[^>]*>|data\(\.\.\.\)),?")
_PARAMETER_NAME = re.compile(r"(?:(?<=^)|(?<=, ))\w+=")
_ONE_ITEM_LIST = re.compile(r"^\[(?P<item>'[^']*'|\"[^\"]*\")\]$")


def failure_text(error: BaseException, fixtures: Iterable[str] = ()) -> str:
    """The failure's message, plus Hypothesis's smallest example when there is one and the message does not
    already show it as its request. ``fixtures`` are the test's fixture names: what they hold (an object,
    ``None``) is the kit's, not an example's."""
    lines = [str(error)]
    if isinstance(error, ConformanceFailure) and error.request_is_the_example:
        return lines[0]
    own = re.compile(rf"\s*(?:{'|'.join(map(re.escape, fixtures))})=[^,]*,?") if fixtures else None
    for note in getattr(error, "__notes__", []):
        match = _FALSIFYING.match(note.strip())
        if match:
            arguments = own.sub("", match["arguments"]) if own else match["arguments"]
            arguments = " ".join(_FIXTURE_ARGUMENT.sub("", arguments).split()).strip(", ")
            arguments = _PARAMETER_NAME.sub("", arguments)
            arguments = _ONE_ITEM_LIST.sub(r"\g<item>", arguments)
            if arguments:
                lines.append(f"    (smallest failing example found: {arguments})")
    return "\n".join(lines)
