"""A run's expected failures in Prefect's log, on one line.

When a task stops on a refused input, a store that cannot be used or a full disk, Prefect's
engine logs the failure at ERROR with the whole traceback, and then the command prints its
own one-line error naming the file or the cause. The traceback says nothing that line does
not, and makes a failure the tool handled look like a crash. This filter keeps the message
of such a record (Prefect's message names the exception and its text) and drops its
traceback; any other exception (a bug) keeps its traceback.
"""

from __future__ import annotations

import logging

from cli.connection_warnings import add_to_prefect_handlers
from schema.errors import PupilstatsError

EXPECTED: tuple[type[BaseException], ...] = (PupilstatsError, OSError)
"""What a run reports in one line itself: pupilstats' own errors (a refused input, a
failed audit, a store failure said in words) and the file system's (a full disk)."""


class ExpectedFailuresOnOneLine(logging.Filter):
    """Drop the traceback of an ERROR record whose exception the run reports itself."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno < logging.ERROR or not record.exc_info:
            return True
        error = record.exc_info[1]
        if not isinstance(error, EXPECTED):
            return True
        message = record.getMessage()
        if type(error).__name__ not in message:
            message = f"{message} ({type(error).__name__}: {error})"
        record.msg = message.splitlines()[0] if message else message
        record.args = None
        record.exc_info = None
        record.exc_text = None
        return True


def log_expected_failures_on_one_line() -> None:
    """Add :class:`ExpectedFailuresOnOneLine` to Prefect's handlers."""
    add_to_prefect_handlers(ExpectedFailuresOnOneLine())
