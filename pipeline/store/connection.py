"""Opening the pupil-level DuckDB store with owner-only file permissions.

The store holds identifiable records, so its folder is created ``0700`` and the database
file (and its write-ahead log) ``0600``. The file is not encrypted: DuckDB's PyPI build
cannot write encrypted files safely here, so pupilstats relies on file permissions and on
the store never leaving the machine, and says so.

Each opening and closing also runs the store's upkeep (``pipeline.store.upkeep``): the
delivered consent file joins the append-only register and erased pupils stay erased.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from pipeline.store.tables import create_tables
from pipeline.store.upkeep import keep_rights

OWNER_ONLY_FILE = stat.S_IRUSR | stat.S_IWUSR
OWNER_ONLY_DIR = stat.S_IRWXU


def restrict_permissions(db_path: Path) -> None:
    """Make the store and its WAL readable and writable by the owner only."""
    for path in (db_path, db_path.with_name(db_path.name + ".wal")):
        if path.exists():
            path.chmod(OWNER_ONLY_FILE)


@contextmanager
def open_store(db_path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """Open (creating if needed) the store at ``db_path`` with its tables, owner-only."""
    if not db_path.parent.exists():
        db_path.parent.mkdir(parents=True, mode=OWNER_ONLY_DIR)
    old_umask = os.umask(0o077)
    try:
        con = duckdb.connect(str(db_path))
    finally:
        os.umask(old_umask)
    try:
        restrict_permissions(db_path)
        create_tables(con)
        keep_rights(con)
        yield con
        keep_rights(con)
    finally:
        con.close()
        restrict_permissions(db_path)
