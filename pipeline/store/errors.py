"""One line for a failure of the store itself (disk full, lock held, unreadable file).

DuckDB's and the operating system's errors reach the command line as tracebacks tens of
lines long, with the cause in the middle. ``store_failure`` makes them one
``PupilstatsError`` naming the store and the cause (the first line of DuckDB's message, or
the file and reason of an ``OSError``: "No space left on device").
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from schema.errors import PupilstatsError

STORE_FAILURES: tuple[type[BaseException], ...] = (duckdb.Error, OSError)
"""What ``store_failure`` turns into one line."""


def store_failure(db_path: Path, error: BaseException) -> PupilstatsError:
    """A one-line error naming the store at ``db_path`` and what went wrong."""
    if isinstance(error, OSError) and error.strerror:
        where = f" ({error.filename})" if error.filename else ""
        cause = f"{error.strerror}{where}"
    else:
        lines = str(error).strip().splitlines()
        cause = lines[0] if lines else type(error).__name__
    return PupilstatsError(f"store {db_path}: {cause}")
