"""A task's expected failure is one line in Prefect's log under ``pupilstats run``; any other
exception keeps its traceback (``cli.expected_failures``)."""

from __future__ import annotations

import errno
import logging
import sys

import pytest

from cli.expected_failures import ExpectedFailuresOnOneLine
from schema.errors import PupilstatsError


def _record(error: BaseException, level: int = logging.ERROR) -> logging.LogRecord:
    try:
        raise error
    except BaseException:
        exc_info = sys.exc_info()
    return logging.LogRecord(
        "prefect.task_runs",
        level,
        __file__,
        1,
        "Task run failed with exception: %r - No retries configured for this task.",
        (error,),
        exc_info,
    )


def _shown(record: logging.LogRecord) -> str:
    handler = logging.StreamHandler()
    handler.addFilter(ExpectedFailuresOnOneLine())
    assert handler.filter(record)
    return handler.format(record)


@pytest.mark.parametrize(
    "error",
    [
        PupilstatsError("census.csv line 4, field upn: not a UPN"),
        OSError(errno.ENOSPC, "No space left on device", "/reports/releases/.partial-x/a.csv"),
    ],
)
def test_an_expected_failure_is_logged_on_one_line_naming_it(error: BaseException) -> None:
    shown = _shown(_record(error))
    assert "\n" not in shown and "Traceback" not in shown
    assert type(error).__name__ in shown and str(error.args[-1]) in shown


def test_any_other_exception_keeps_its_traceback() -> None:
    shown = _shown(_record(ValueError("a bug")))
    assert "Traceback" in shown and "ValueError: a bug" in shown


def test_a_warning_is_left_alone() -> None:
    record = _record(PupilstatsError("retrying"), level=logging.WARNING)
    assert "Traceback" in _shown(record)
