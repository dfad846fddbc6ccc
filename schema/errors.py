"""Errors a user sees: each names the file and, where there is one, the row and field."""

from __future__ import annotations

from pathlib import Path


class PupilstatsError(Exception):
    """Base of every error pupilstats reports to its user (non-zero exit, no traceback)."""


class InputFileError(PupilstatsError):
    """An input file cannot be read as the input it claims to be."""

    def __init__(self, file: Path | str, problem: str) -> None:
        self.file = str(file)
        self.problem = problem
        super().__init__(f"{file}: {problem}")


class BatchRejected(PupilstatsError):
    """A file was read, but as a whole it fails validation and must not be used."""

    def __init__(self, file: Path | str, reasons: list[str]) -> None:
        self.file = str(file)
        self.reasons = reasons
        super().__init__(f"{file}: rejected: " + "; ".join(reasons))


class ReleaseRefused(PupilstatsError):
    """A release was not written, because it would not be safe or complete."""
