"""What the submission's own code raised, as data the grader can show: the exception and its frames in the
student's files (relative path, line, the line's text), bounded in size like everything a child sends."""

from __future__ import annotations

import traceback
from pathlib import Path

from ..data.exchange import Frame, Raised

MAX_FRAMES = 6
MAX_TEXT = 300


def raised(error: BaseException, root: Path | None) -> Raised:
    """``error`` with the frames of its traceback that are files under ``root`` (the submission's folder),
    never a library's, even one installed inside that folder."""
    frames: list[Frame] = []
    for frame in traceback.extract_tb(error.__traceback__):
        relative = _relative(frame.filename, root)
        if relative is not None:
            frames.append((relative, frame.lineno or 0, (frame.line or "").strip()[:MAX_TEXT]))
    return Raised(type(error).__name__[:MAX_TEXT], _message(error, root), tuple(frames[-MAX_FRAMES:]))


def _message(error: BaseException, root: Path | None) -> str:
    """The exception's message, with the submission's files named as the student names them: relative to
    their folder, never under the sandbox's /app (``cannot import name 'x' from 'helpers' (/app/helpers.py)``).
    Where the grader installed a library an ImportError names is no business of the student's: that place
    is left out (``cannot import name 'escape' from 'flask' (/…/site-packages/flask/__init__.py)``)."""
    try:
        text = str(error)
    except Exception:  # the submission's own exception class, whose __str__ fails in turn
        text = ""
    if isinstance(error, ImportError) and error.path and _relative(error.path, root) is None:
        text = text.replace(f" ({error.path})", "")
    if root is not None:
        text = text.replace(f"{root.as_posix().rstrip('/')}/", "")
    return " ".join(text.split())[:MAX_TEXT]


def _relative(filename: str, root: Path | None) -> str | None:
    if root is None or not Path(filename).is_absolute():  # "<frozen importlib._bootstrap>", "<string>"
        return None
    try:
        relative = Path(filename).resolve().relative_to(root.resolve())
    except (ValueError, OSError, RuntimeError):
        return None
    if "site-packages" in relative.parts or "dist-packages" in relative.parts:
        return None
    return relative.as_posix()
