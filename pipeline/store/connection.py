"""Opening the pupil-level DuckDB store with owner-only file permissions.

The store holds identifiable records, so its folder is created ``0700`` and the database
file, its write-ahead log and DuckDB's spill files are owner-only from the moment they
exist: the process's umask is ``0o077`` for as long as the connection is open
(``pipeline.store.owner_only_files``; DuckDB recreates the WAL at every checkpoint, so a
``chmod`` after the fact would leave it readable in between). The file is not encrypted:
DuckDB's PyPI build cannot write encrypted files safely here, so pupilstats relies on file
permissions and on the store never leaving the machine, and says so.

Each opening and closing also runs the store's upkeep (``pipeline.store.upkeep``): the
delivered consent file joins the append-only register and erased pupils stay erased. When
the upkeep deleted an erased pupil's rows again (a later delivery named them), or an erasure
or retention run was killed before its rewrite (``pipeline.store.rewrite_owed``), the store
is rewritten into a fresh file once the process's last connection to it is closed
(``pipeline.store.rewrite``), so their values do not stay in the file's free blocks.

The store is opened under the store lock (``pipeline.store.lock``), re-entrantly: a command
or flow run that holds it opens the store as often as it likes, and anything else waits for
it. A program outside pupilstats that holds DuckDB's own lock on the file (a ``duckdb``
shell) is waited for as long, then named in one line.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from pipeline.settings import lock_wait_seconds
from pipeline.store.errors import is_lock_conflict, lock_conflict_holder
from pipeline.store.lock import POLL_SECONDS, in_use, store_lock
from pipeline.store.owner_only_files import (
    make_store_folder,
    owner_only_umask,
    restrict_permissions,
)
from pipeline.store.rewrite import rewrite_store
from pipeline.store.rewrite_owed import rewrite_owed
from pipeline.store.store_file import check_store_file
from pipeline.store.tables import create_tables
from pipeline.store.upkeep import keep_rights
from schema.errors import PupilstatsError

logger = logging.getLogger(__name__)

_lock = threading.Lock()
_open: dict[Path, int] = {}
_to_rewrite: set[Path] = set()


def _opened(db_path: Path) -> None:
    with _lock:
        _open[db_path] = _open.get(db_path, 0) + 1


def _closed(db_path: Path, erased_rows: int) -> bool:
    """Count a connection closed; True when it was the last one and the file must be
    rewritten (this or an earlier connection re-erased rows)."""
    with _lock:
        _open[db_path] -= 1
        if erased_rows:
            _to_rewrite.add(db_path)
        if _open[db_path]:
            return False
        del _open[db_path]
        if db_path in _to_rewrite:
            _to_rewrite.discard(db_path)
            return True
        return False


@contextmanager
def open_store(db_path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """Open (creating if needed) the store at ``db_path`` with its tables, owner-only.

    A file that exists and is not a DuckDB database (a CSV given as ``--db``) is refused
    in one line before it is opened or its permissions touched."""
    check_store_file(db_path)
    key = db_path.resolve()
    erased = 0
    with store_lock(db_path), owner_only_umask():
        make_store_folder(db_path)
        con = _connect(db_path)
        _opened(key)
        try:
            restrict_permissions(db_path)
            create_tables(con)
            erased += keep_rights(con)
            # a deletion an earlier command committed and was killed before rewriting (one
            # made on this connection is rewritten by the command that made it)
            erased += int(rewrite_owed(con))
            yield con
            erased += keep_rights(con)
        finally:
            con.close()
            restrict_permissions(db_path)
            last = _closed(key, erased)
        if last:
            _rewrite_after_reerasure(db_path)


def _connect(db_path: Path) -> duckdb.DuckDBPyConnection:
    """Connect to the store, waiting (``lock_wait_seconds``) while a program outside
    pupilstats holds DuckDB's own lock on the file, then stopping in one line naming it."""
    wait = lock_wait_seconds()
    deadline = time.monotonic() + wait
    while True:
        try:
            return duckdb.connect(str(db_path))
        except duckdb.IOException as error:
            if not is_lock_conflict(error):
                raise
            if time.monotonic() >= deadline:
                raise in_use(db_path, lock_conflict_holder(error), wait) from None
        time.sleep(POLL_SECONDS)


def _rewrite_after_reerasure(db_path: Path) -> None:
    """Rewrite the store after the upkeep erased rows again; the work the caller did is
    committed, so a store that cannot be rewritten now (another process has it open) is
    reported as a warning, not as the caller's failure."""
    try:
        rewrite_store(db_path)
    except (duckdb.Error, OSError, PupilstatsError) as error:
        logger.warning(
            "the store %s could not be rewritten after erased pupils' rows were deleted "
            "again (%s): run `pupilstats erase` for one of them to rewrite it",
            db_path,
            str(error).splitlines()[0],
        )
