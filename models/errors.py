"""The project's own error type: a problem the user can fix, whose message says what and how."""

__all__ = ["TooFewReportsError", "TriaseError"]


class TriaseError(Exception):
    """A problem with the user's input or setup (a mapping, a file, a setting), not a bug.

    Its message is one line naming the file, row or column concerned and the fix; the `triase`
    command prints it as such, without a traceback (``--verbose`` adds one).
    """


class TooFewReportsError(TriaseError, ValueError):
    """A label has too few training reports for a classifier to learn and calibrate it."""
