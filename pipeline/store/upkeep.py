"""What the store does each time it is opened and closed, whoever opened it.

* The delivered consent file (table ``consent``, replaced by each load) is copied into the
  append-only consent register, so the register keeps every instruction ever delivered.
* An erased pupil stays erased: if a later delivery brings back rows naming an erased pupil
  (recognised by the keyed hash in the rights audit log), they are deleted again.

Both steps are idempotent and cheap when there is nothing to do.
"""

from __future__ import annotations

import duckdb
import polars as pl

from pipeline.rights.pupil_keys import pupil_keys, store_key
from pipeline.store.catalog import UPN_COLUMN, held_on_any_sql, stored_tables
from pipeline.store.rights_tables import absorb_delivered_register

AUDIT_LOG_TABLE = "rights_audit_log"
"""The rights audit log is never deleted by erasure: it names pupils by keyed hash only and
is the record that the erasure was done."""


def erased_keys(con: duckdb.DuckDBPyConnection) -> set[str]:
    rows = con.execute(
        f"SELECT DISTINCT pupil_key FROM {AUDIT_LOG_TABLE} "
        "WHERE action = 'erase' AND pupil_key IS NOT NULL"
    ).fetchall()
    return {r[0] for r in rows}


def delete_rows_held_on(
    con: duckdb.DuckDBPyConnection, upns: list[str], keys: list[str]
) -> dict[str, int]:
    """Delete every row held on the given pupils from every table but the audit log.

    Runs inside the caller's transaction. Returns the rows deleted per table (tables with
    none left out).
    """
    con.register("doomed_upns", pl.DataFrame({"upn": upns}, schema={"upn": pl.Utf8}).to_arrow())
    con.register(
        "doomed_keys", pl.DataFrame({"pupil_key": keys}, schema={"pupil_key": pl.Utf8}).to_arrow()
    )
    deleted: dict[str, int] = {}
    try:
        for table in stored_tables(con):
            if table.name == AUDIT_LOG_TABLE:
                continue
            where = held_on_any_sql(table, "doomed_upns", "doomed_keys")
            if where is None:
                continue
            count = con.execute(f"DELETE FROM {table.quoted()} WHERE {where}").fetchall()[0][0]
            if count:
                deleted[table.name] = int(count)
    finally:
        con.unregister("doomed_upns")
        con.unregister("doomed_keys")
    return deleted


def stored_upns(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Every distinct UPN in a ``upn`` column of any table."""
    parts = [
        f"SELECT {UPN_COLUMN} FROM {t.quoted()} WHERE {UPN_COLUMN} IS NOT NULL"
        for t in stored_tables(con)
        if t.has_upn_column
    ]
    if not parts:
        return []
    return [r[0] for r in con.execute(" UNION ".join(parts)).fetchall()]


def reapply_erasures(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Delete rows that name an erased pupil again (after a reload). Rows deleted per table."""
    erased = erased_keys(con)
    if not erased:
        return {}
    by_upn = pupil_keys(store_key(con), stored_upns(con))
    upns = sorted(upn for upn, key in by_upn.items() if key in erased)
    if not upns:
        return {}
    con.execute("BEGIN TRANSACTION")
    try:
        deleted = delete_rows_held_on(con, upns, [by_upn[u] for u in upns])
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    return deleted


def keep_rights(con: duckdb.DuckDBPyConnection) -> None:
    """Bring the register up to date with the delivered file and keep erased pupils out."""
    absorb_delivered_register(con)
    reapply_erasures(con)
