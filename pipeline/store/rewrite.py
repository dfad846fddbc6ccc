"""Rewriting the store into a fresh file, so nothing deleted survives in its free blocks.

DuckDB does not overwrite the blocks a ``DELETE`` frees: after an erasure the pupil's UPN
and name can still be read from the file with ``strings`` until the blocks are reused, and
``VACUUM`` does not rewrite them. So after an erasure the store is copied, table by table,
into a new file (``COPY FROM DATABASE``: only the rows that are still there are written) and
the new file replaces the old one in one ``os.replace``; the old file's blocks go back to the
file system with it.

The copy is made owner-only (umask ``0o077``, ``pipeline.store.owner_only_files``) in the
store's own folder, beside it, so the rename stays on one file system. While it is made the
old store is attached read-only, which holds DuckDB's shared lock: no other process can write
to it between the copy and the rename. The store's key (``<store>.rights-key``) is a
separate file and stays where it is. A failure leaves the old store as it was and no copy; a
rewrite killed outright leaves its hidden copy, which the next rewrite deletes.
The rewrite holds the store lock (``pipeline.store.lock``; re-entrant for a command that
already holds it), so no other pupilstats command has the store open meanwhile.
"""

from __future__ import annotations

import os
import uuid
from dataclasses import dataclass
from pathlib import Path
from time import perf_counter

import duckdb

from pipeline.atomic_files import fsync_dir
from pipeline.fault_points import fault_point
from pipeline.store.lock import store_lock
from pipeline.store.owner_only_files import (
    OWNER_ONLY_FILE,
    owner_only_umask,
    restrict_permissions,
    wal_path,
)
from pipeline.store.rewrite_owed import settle_in
from pipeline.store.store_file import check_store_file
from schema.errors import PupilstatsError


@dataclass(frozen=True)
class Rewritten:
    """What a rewrite did: the file sizes before and after, and how long it took."""

    bytes_before: int
    bytes_after: int
    seconds: float


def _sql_text(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


def _settle_wal(db_path: Path) -> None:
    """Open the store once and close it, so DuckDB folds any WAL left by an interrupted
    run into the file (the copy must not leave a WAL beside the new file that belongs to
    the old one)."""
    duckdb.connect(str(db_path)).close()


def rewrite_store(db_path: Path) -> Rewritten:
    """Replace the store at ``db_path`` by a fresh copy of what it holds now."""
    check_store_file(db_path)
    if not db_path.exists():
        raise PupilstatsError(f"there is no store at {db_path}")
    with store_lock(db_path):
        return _rewrite(db_path)


def _rewrite(db_path: Path) -> Rewritten:
    started = perf_counter()
    before = db_path.stat().st_size
    for stale in db_path.parent.glob(f".{db_path.name}.rewrite-*"):
        stale.unlink(missing_ok=True)  # a copy a killed rewrite left: it holds deleted rows
    fresh = db_path.with_name(f".{db_path.name}.rewrite-{uuid.uuid4().hex}")
    with owner_only_umask():
        _settle_wal(db_path)
        con = duckdb.connect(":memory:")
        try:
            con.execute(f"ATTACH {_sql_text(db_path)} AS old_store (READ_ONLY)")
            con.execute(f"ATTACH {_sql_text(fresh)} AS fresh_store")
            con.execute("COPY FROM DATABASE old_store TO fresh_store")
            settle_in(con, "fresh_store")  # the fresh file holds no deleted row
            con.execute("DETACH fresh_store")
            if wal_path(fresh).exists() or wal_path(db_path).exists():
                raise PupilstatsError(
                    f"the store {db_path} could not be rewritten: a write-ahead log was left"
                )
            os.chmod(fresh, OWNER_ONLY_FILE)
            fault_point("rewrite: copied")
            os.replace(fresh, db_path)  # still holding the old store's shared lock
            fault_point("rewrite: replaced")
        except BaseException:
            fresh.unlink(missing_ok=True)
            wal_path(fresh).unlink(missing_ok=True)
            raise
        finally:
            con.close()
    fsync_dir(db_path.parent)
    restrict_permissions(db_path)
    return Rewritten(before, db_path.stat().st_size, perf_counter() - started)
