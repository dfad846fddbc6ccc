"""A lost server connection is one warning line under ``serve``; other warnings keep their
traceback (``cli.connection_warnings``)."""

from __future__ import annotations

import logging
import sys

import pytest

from cli.connection_warnings import ConnectionWarningsOnOneLine, is_connection_failure


def _record(error: BaseException, level: int = logging.WARNING) -> logging.LogRecord:
    try:
        raise error
    except BaseException:
        exc_info = sys.exc_info()
    return logging.LogRecord(
        "prefect.FlowRunCancellingObserver",
        level,
        __file__,
        1,
        "The %s websocket failed with an exception.",
        ("FlowRunCancellingObserver",),
        exc_info,
    )


class ServiceRestart(Exception):
    """Stands for a websocket client's "connection closed" error."""


ServiceRestart.__module__ = "websockets.exceptions"


def _chained() -> BaseException:
    try:
        try:
            raise ConnectionResetError(104, "Connection reset by peer")
        except ConnectionResetError as reset:
            raise RuntimeError("received 1012 (service restart)") from reset
    except RuntimeError as error:
        return error


@pytest.mark.parametrize(
    "error",
    [ConnectionResetError(104, "reset"), ServiceRestart("1012"), TimeoutError()],
    ids=["reset", "websocket", "timeout"],
)
def test_a_lost_connection_is_one_line(error: BaseException) -> None:
    record = _record(error)
    assert ConnectionWarningsOnOneLine().filter(record)
    line = logging.Formatter("%(levelname)s %(message)s").format(record)
    assert "Traceback" not in line and "\n" not in line
    assert line.startswith("WARNING The FlowRunCancellingObserver websocket failed")
    assert type(error).__name__ in line


def test_a_lost_connection_found_through_the_chain() -> None:
    assert is_connection_failure(_chained())
    record = _record(_chained())
    ConnectionWarningsOnOneLine().filter(record)
    assert record.exc_info is None


def test_other_warnings_and_errors_keep_their_traceback() -> None:
    other = _record(ValueError("a real bug"))
    ConnectionWarningsOnOneLine().filter(other)
    assert "Traceback" in logging.Formatter().format(other)
    error = _record(ConnectionResetError(104, "reset"), level=logging.ERROR)
    ConnectionWarningsOnOneLine().filter(error)
    assert "Traceback" in logging.Formatter().format(error)
