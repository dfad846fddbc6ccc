"""Prefect's warnings about a lost server connection, on one line.

While ``pupilstats serve`` runs, the Prefect server may restart or go away for a while.
Prefect's runner keeps going (it polls until the server is back) and logs a warning,
sometimes with the whole traceback of the closed websocket or refused connection attached.
An operator reading the log of a service that is working as designed should see one line
saying what happened, not a traceback that looks like a crash; every other warning and
error keeps its traceback.
"""

from __future__ import annotations

import logging

#: Exception types (by module) that mean "the connection to the server was lost".
CONNECTION_MODULES = ("websockets", "httpx", "httpcore")


def is_connection_failure(error: BaseException | None) -> bool:
    """Whether ``error``, or any exception it was raised from, is a lost connection: an
    ``OSError`` (reset, refused), a timeout, or an exception of the websocket/HTTP clients."""
    seen: set[int] = set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        if isinstance(error, OSError | TimeoutError):
            return True
        if type(error).__module__.split(".")[0] in CONNECTION_MODULES:
            return True
        error = error.__cause__ or error.__context__
    return False


class ConnectionWarningsOnOneLine(logging.Filter):
    """Turn a WARNING about a lost connection into one line naming the exception."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno != logging.WARNING or not record.exc_info:
            return True
        error = record.exc_info[1]
        if not is_connection_failure(error):
            return True
        record.msg = f"{record.getMessage()} ({type(error).__name__}: {error})"
        record.args = None
        record.exc_info = None
        record.exc_text = None
        return True


def add_to_prefect_handlers(one_line: logging.Filter) -> None:
    """Add ``one_line`` (once) to every handler that Prefect's logging configuration set up
    (the root logger's and those of Prefect's own loggers that do not propagate)."""
    loggers = [logging.getLogger()] + [
        logger
        for name, logger in logging.root.manager.loggerDict.items()
        if name.startswith(("prefect", "uvicorn")) and isinstance(logger, logging.Logger)
    ]
    for logger in loggers:
        for handler in logger.handlers:
            if not any(isinstance(f, type(one_line)) for f in handler.filters):
                handler.addFilter(one_line)


def log_connection_warnings_on_one_line() -> None:
    """Add :class:`ConnectionWarningsOnOneLine` to Prefect's handlers."""
    add_to_prefect_handlers(ConnectionWarningsOnOneLine())
