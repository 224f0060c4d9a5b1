"""A check the kit could not run through no fault of the submission (Chromium did not start, ...)."""

from __future__ import annotations

PROPERTY = "grader-error"  # the report property that carries it from the plugin to the results collector
REGRADE = "The grader could not run this check ({reason}); it costs no points and is marked for a regrade."


class GraderError(Exception):
    """Raised by the kit's own machinery; the check it stops is the grader's failure, not the student's."""
