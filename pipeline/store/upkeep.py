"""What the store does each time it is opened and closed, whoever opened it.

* The delivered consent file (table ``consent``, replaced by each load) is copied into the
  append-only consent register, so the register keeps every instruction ever delivered.
* An erased pupil stays erased: if a later delivery brings back rows naming an erased pupil
  (recognised by their keyed hash in the rights audit log, ``pipeline.store.pupil_keys``),
  they are deleted again.
* A corrected field stays corrected on the delivery it was corrected on: a reload of that
  delivery (same census date or academic year) gets the corrected value again. Later
  deliveries are the school's own data and are left alone.

Each step is idempotent and cheap when there is nothing to do.
"""

from __future__ import annotations

import json

import duckdb
import polars as pl

from pipeline.store.catalog import UPN_COLUMN, held_on_any_sql, stored_tables
from pipeline.store.pupil_keys import pupil_keys, store_key
from pipeline.store.rights_tables import absorb_delivered_register
from pipeline.store.transaction import rollback_quietly
from schema.inputs import INPUTS, InputSchema
from schema.values import parsed_value

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
        rollback_quietly(con)
        raise
    return deleted


def record_correction(
    con: duckdb.DuckDBPyConnection, upn: str, schema: InputSchema, field: str, value: str
) -> None:
    """Keep a correction's value for each delivery of the pupil's rows in ``schema``'s table
    (its ``replaced_by`` values, e.g. the census date), inside the caller's transaction."""
    columns = schema.replaced_by
    if columns:
        rows = con.execute(
            f"SELECT DISTINCT {', '.join(columns)} FROM {schema.name} WHERE upn = ?", [upn]
        ).fetchall()
        deliveries = [dict(zip(columns, (str(v) for v in row), strict=True)) for row in rows]
    else:
        deliveries = [{}]
    for delivery in deliveries:
        con.execute(
            "INSERT INTO pupil_corrections VALUES (?, ?, ?, ?, ?, now()::TIMESTAMP)",
            [upn, schema.name, field, value, json.dumps(delivery, sort_keys=True)],
        )


def reapply_corrections(con: duckdb.DuckDBPyConnection) -> int:
    """Set corrected fields again on rows of the corrected deliveries that hold another value
    (a reload of the uncorrected file). Later corrections of a field win. Rows changed."""
    corrections = con.execute(
        "SELECT upn, table_name, field, value, delivery FROM pupil_corrections "
        "ORDER BY recorded_at, rowid"
    ).fetchall()
    changed = 0
    latest: dict[tuple[str, str, str, str], str] = {}
    for upn, table, field, value, delivery in corrections:
        latest[(upn, table, field, delivery)] = value
    for (upn, table, field, delivery), value in latest.items():
        schema = INPUTS[table]
        new_value = parsed_value(schema.column(field), value)
        where = json.loads(delivery)
        conditions = "".join(f" AND CAST({column} AS VARCHAR) = ?" for column in where)
        changed += con.execute(
            f"UPDATE {table} SET {field} = ? WHERE upn = ?{conditions} "
            f"AND {field} IS DISTINCT FROM ?",
            [new_value, upn, *where.values(), new_value],
        ).fetchall()[0][0]
    return changed


def keep_rights(con: duckdb.DuckDBPyConnection) -> int:
    """Bring the register up to date with the delivered file, keep erased pupils out and
    corrected fields corrected. Returns the rows of erased pupils deleted again (the store
    file is then rewritten when it is closed, ``pipeline.store.connection``)."""
    absorb_delivered_register(con)
    erased = reapply_erasures(con)
    reapply_corrections(con)
    return sum(erased.values())
