"""Is a path a store pupilstats may open? Checked before DuckDB touches it.

``--db`` names the store. Given a CSV, a folder or any file that is not a DuckDB database,
opening it would fail deep in DuckDB (or, worse, the command would change the file's
permissions first), so such a path is refused in one line naming it. A path that does not
exist yet (a new store) or an empty file is fine: DuckDB creates the database.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from schema.errors import PupilstatsError

DUCKDB_MAGIC = b"DUCK"
"""DuckDB's storage files carry these four bytes at offset 8 (after the header checksum)."""
MAGIC_OFFSET = 8


def check_store_file(db_path: Path) -> None:
    """Refuse ``db_path`` in one line unless it is absent, empty or a DuckDB database file.

    Reads at most 12 bytes and changes nothing (no ``chmod``, no open for writing)."""
    try:
        info = os.stat(db_path)
    except FileNotFoundError:
        return
    if not stat.S_ISREG(info.st_mode):
        raise PupilstatsError(f"{db_path} is not a file: give the store's file (--db)")
    if info.st_size == 0:
        return
    try:
        with open(db_path, "rb") as handle:
            header = handle.read(MAGIC_OFFSET + len(DUCKDB_MAGIC))
    except OSError as error:
        raise PupilstatsError(f"{db_path} cannot be read: {error.strerror}") from None
    if header[MAGIC_OFFSET:] != DUCKDB_MAGIC:
        raise PupilstatsError(
            f"{db_path} is not a pupilstats store (not a DuckDB database): "
            "give the store's file (--db), not an input file"
        )
