"""Rolling back without hiding why.

When a statement fails inside a transaction because the disk is full or the file cannot be
written, DuckDB may already have ended the transaction, and a ``ROLLBACK`` in the error
handler then fails with "cannot rollback - no transaction is active", replacing the real
cause in the message the user sees. ``rollback_quietly`` rolls back if it can and never
raises, so the error that stopped the work is the one reported.
"""

from __future__ import annotations

from contextlib import suppress

import duckdb


def rollback_quietly(con: duckdb.DuckDBPyConnection) -> None:
    """Roll back the open transaction, if there is one; never raise."""
    with suppress(duckdb.Error):
        con.execute("ROLLBACK")
