"""Correction (UK GDPR Art. 16) and erasure (Art. 17) of a pupil's records.

A correction sets one field of every row the pupil has in one input table to a value checked
against the input schema (type, code set, range). An erasure deletes every row held on the
pupil in every table (found from the catalog, ``pipeline.store.catalog``) except the rights
audit log. Both are logged there with the pupil's keyed hash, the table, the field, the number
of rows, the reason's code (``pipeline.rights.reasons``: no free text) and the time, never
with an old or new value. Every release computed
afterwards reflects them, because aggregates read the store as it is.

An erasure also holds for the future: rows naming an erased pupil that a later delivery
brings back are deleted when the store is next opened or closed (``pipeline.store.upkeep``).
A correction holds for the deliveries it was made on: the corrected value is kept in
``pupil_corrections`` (with the delivery, e.g. the census date, of the rows it changed) and a
reload of the same uncorrected delivery is corrected again when the store is next opened or
closed. A later delivery (a new census date or academic year) is the school's own data and is
not changed, so a correction must also be made in the source system.
"""

from __future__ import annotations

import duckdb

from pipeline.rights.audit_log import AuditEntry, log_actions
from pipeline.rights.reasons import checked_reason_code
from pipeline.store.pupil_keys import pupil_key, store_key
from pipeline.store.rewrite_owed import owe_rewrite
from pipeline.store.transaction import rollback_quietly
from pipeline.store.upkeep import delete_rows_held_on, record_correction
from schema.errors import PupilstatsError
from schema.inputs import INPUTS, InputSchema
from schema.values import parsed_value

NOT_CORRECTABLE_INPUTS = frozenset({"schools", "consent"})
"""The schools lookup names no pupil; consent is changed by ``pupilstats consent``."""


def _schema_for(table: str) -> InputSchema:
    if table not in INPUTS or table in NOT_CORRECTABLE_INPUTS:
        allowed = sorted(set(INPUTS) - NOT_CORRECTABLE_INPUTS)
        raise PupilstatsError(f"cannot correct table {table!r}; one of: {', '.join(allowed)}")
    return INPUTS[table]


def correct_field(
    con: duckdb.DuckDBPyConnection, upn: str, table: str, field: str, value: str, reason: str
) -> int:
    """Set ``field`` of the pupil's rows in ``table`` to ``value``; return the rows changed."""
    schema = _schema_for(table)
    if field == "upn" or field in schema.replaced_by:
        raise PupilstatsError(
            f"{table}.{field} identifies the record or its delivery and cannot be corrected: "
            "erase the record and load the corrected delivery"
        )
    try:
        column = schema.column(field)
    except KeyError:
        raise PupilstatsError(
            f"{table} has no field {field!r}; fields: {', '.join(schema.column_names)}"
        ) from None
    new_value = parsed_value(column, value)
    why = checked_reason_code(reason, "correct")
    key = pupil_key(store_key(con), upn)
    con.execute("BEGIN TRANSACTION")
    try:
        changed = con.execute(
            f"UPDATE {table} SET {field} = ? WHERE upn = ?", [new_value, upn]
        ).fetchall()[0][0]
        if not changed:
            raise PupilstatsError(f"{table} holds no row on UPN {upn}")
        keys = ", ".join(schema.key)
        duplicates = con.execute(
            f"SELECT count(*) - count(DISTINCT ({keys})) FROM {table} WHERE upn = ?", [upn]
        ).fetchall()[0][0]
        if duplicates:
            raise PupilstatsError(
                f"the correction would give the pupil two {table} rows with the same key"
            )
        record_correction(con, upn, schema, field, value.strip())
        log_actions(
            con,
            [
                AuditEntry(
                    action="correct",
                    pupil_key=key,
                    table_name=table,
                    field=field,
                    rows_affected=int(changed),
                    reason=why,
                )
            ],
        )
        con.execute("COMMIT")
    except Exception:
        rollback_quietly(con)
        raise
    return int(changed)


def erase_pupil(con: duckdb.DuckDBPyConnection, upn: str, reason: str) -> dict[str, int]:
    """Delete every row held on the pupil (all tables but the audit log); rows per table.

    The erasure is logged even when nothing is held yet, so that a later delivery naming
    the pupil is erased too.
    """
    why = checked_reason_code(reason, "erase")
    key = pupil_key(store_key(con), upn)
    con.execute("BEGIN TRANSACTION")
    try:
        deleted = delete_rows_held_on(con, [upn], [key])
        entries = [
            AuditEntry(
                action="erase", pupil_key=key, table_name=name, rows_affected=count, reason=why
            )
            for name, count in sorted(deleted.items())
        ] or [AuditEntry(action="erase", pupil_key=key, rows_affected=0, reason=why)]
        log_actions(con, entries)
        if deleted:
            owe_rewrite(con, "erase")
        con.execute("COMMIT")
    except Exception:
        rollback_quietly(con)
        raise
    return deleted
