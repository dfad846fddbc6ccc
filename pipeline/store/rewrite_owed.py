"""The store owes a rewrite: deleted rows may still be in its free blocks.

An erasure or a retention run deletes rows and then rewrites the store into a fresh file
(``pipeline.store.rewrite``) so the deleted values do not stay in its free blocks. A command
killed between the two (its deletions committed, the rewrite not done) used to leave them
there for good: run again, it finds nothing to delete and so nothing to rewrite. So the
deletion records, in its own transaction, that a rewrite is owed (``store_rewrite_owed``);
the rewrite writes the fresh file without that record; and every opening of the store that
finds it rewrites the store when its last connection closes, as after re-erased rows
(``pipeline.store.connection``).
"""

from __future__ import annotations

import duckdb

REWRITE_OWED_TABLE = "store_rewrite_owed"

REWRITE_OWED_DDL = f"""
CREATE TABLE IF NOT EXISTS {REWRITE_OWED_TABLE} (
    owed_by VARCHAR NOT NULL,   -- what deleted the rows: erase, retention
    since TIMESTAMP NOT NULL
)
"""


def owe_rewrite(con: duckdb.DuckDBPyConnection, owed_by: str) -> None:
    """Record, in the caller's transaction, that rows were deleted and the store owes a
    rewrite."""
    con.execute(
        f"INSERT INTO {REWRITE_OWED_TABLE} VALUES (?, current_timestamp::TIMESTAMP)", [owed_by]
    )


def rewrite_owed(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether a deletion is still waiting for its rewrite."""
    found = con.execute(f"SELECT count(*) FROM {REWRITE_OWED_TABLE}").fetchall()[0][0]
    return bool(found)


def settle_in(con: duckdb.DuckDBPyConnection, database: str) -> None:
    """Clear the record in the fresh copy ``database`` a rewrite has just written: the copy
    holds no deleted row."""
    con.execute(f"DELETE FROM {database}.main.{REWRITE_OWED_TABLE}")
