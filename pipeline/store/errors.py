"""One line for a failure of the store itself (disk full, lock held, unreadable file).

DuckDB's and the operating system's errors reach the command line as tracebacks tens of
lines long, with the cause in the middle. ``store_failure`` makes them one
``PupilstatsError`` naming the store and the cause (the first line of DuckDB's message, or
the file and reason of an ``OSError``: "No space left on device").

DuckDB's own file lock, held by a program that does not take the store lock
(``pipeline.store.lock``: a ``duckdb`` shell, a notebook), is said in words: the store is in
use by that program, with the program and process id DuckDB names ("Could not set lock on
file ...: Conflicting lock is held in /usr/bin/duckdb (PID 1234)").
"""

from __future__ import annotations

import re
from pathlib import Path

import duckdb

from schema.errors import PupilstatsError

STORE_FAILURES: tuple[type[BaseException], ...] = (duckdb.Error, OSError)
"""What ``store_failure`` turns into one line."""

_LOCK_CONFLICT = "Could not set lock"
_LOCK_HOLDER = re.compile(r"Conflicting lock is held in (?P<program>.+?) \(PID (?P<pid>\d+)\)")


def is_lock_conflict(error: BaseException) -> bool:
    """Whether ``error`` is DuckDB failing to open the store because another process has it."""
    return isinstance(error, duckdb.IOException) and _LOCK_CONFLICT in str(error)


def lock_conflict_holder(error: BaseException) -> str:
    """The program holding DuckDB's lock, in words, from DuckDB's message."""
    match = _LOCK_HOLDER.search(str(error))
    if match is None:
        return "another program"
    return f"another program ({Path(match['program']).name}, pid {match['pid']})"


def store_failure(db_path: Path, error: BaseException) -> PupilstatsError:
    """A one-line error naming the store at ``db_path`` and what went wrong."""
    if is_lock_conflict(error):
        return PupilstatsError(f"the store {db_path} is in use by {lock_conflict_holder(error)}")
    if isinstance(error, OSError) and error.strerror:
        where = f" ({error.filename})" if error.filename else ""
        cause = f"{error.strerror}{where}"
    else:
        lines = str(error).strip().splitlines()
        cause = lines[0] if lines else type(error).__name__
    return PupilstatsError(f"store {db_path}: {cause}")
