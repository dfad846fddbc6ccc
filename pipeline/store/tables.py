"""The tables of the pupil-level store, created from the one input schema.

Besides one table per input (``schema.inputs.INPUTS``) the store keeps:

* ``quarantine``: every input row that was not accepted, with the file, line, field,
  value and reason, so nothing is lost silently;
* ``loads``: one row per file loaded (its sha256 and row counts);
* ``on_roll(enrolment_status)``: the macro saying which census registration places a pupil
  on roll (single or main), used by every release's population;
* ``statistics_eligible_census``: the census rows that may be used for statistics, i.e.
  without a research opt-out in force at the census date in the consent register
  (``consent_register``, macro ``instruction_in_force``). Every aggregate reads from it.

The consent register, the rights audit log and the release population records are in
``pipeline.store.rights_tables``; the release ledger's tables in ``pipeline.store.ledger_tables``.
"""

from __future__ import annotations

import duckdb
import polars as pl

from pipeline.store.ledger_tables import create_ledger_tables
from pipeline.store.rewrite_owed import REWRITE_OWED_DDL
from pipeline.store.rights_tables import create_rights_tables
from schema.inputs import INPUTS, InputSchema

_DUCKDB_TYPES: dict[type[pl.DataType], str] = {
    pl.Utf8: "VARCHAR",
    pl.Date: "DATE",
    pl.Boolean: "BOOLEAN",
    pl.Float64: "DOUBLE",
    pl.Int64: "BIGINT",
}

QUARANTINE_DDL = """
CREATE TABLE IF NOT EXISTS quarantine (
    load_id VARCHAR NOT NULL,
    input VARCHAR NOT NULL,
    delivery VARCHAR NOT NULL,
    file VARCHAR NOT NULL,
    line BIGINT,
    upn VARCHAR,
    field VARCHAR,
    value VARCHAR,
    reason VARCHAR NOT NULL,
    quarantined_at TIMESTAMP NOT NULL
)
"""

LOADS_DDL = """
CREATE TABLE IF NOT EXISTS loads (
    load_id VARCHAR PRIMARY KEY,
    input VARCHAR NOT NULL,
    delivery VARCHAR NOT NULL,
    file VARCHAR NOT NULL,
    sha256 VARCHAR NOT NULL,
    rows_read BIGINT NOT NULL,
    rows_accepted BIGINT NOT NULL,
    rows_quarantined BIGINT NOT NULL,
    loaded_at TIMESTAMP NOT NULL
)
"""

ON_ROLL_MACRO = """
CREATE OR REPLACE MACRO on_roll(enrolment_status) AS enrolment_status IN ('C', 'M')
"""
"""Where a pupil is on roll at a census: their single (C) or main (M) registration, never a
subsidiary one (S), so each pupil is counted once, at their main school (DfE school census
guide, enrolment status). Every release's population uses it."""

ELIGIBLE_VIEW = """
CREATE OR REPLACE VIEW statistics_eligible_census AS
SELECT c.*
FROM census AS c
WHERE NOT EXISTS (
    SELECT 1
    FROM consent_register AS o
    WHERE o.upn = c.upn
      AND o.consent_type = 'research_opt_out'
      AND instruction_in_force(o.effective_from, o.withdrawn_on, c.census_date, c.census_date)
)
"""
"""A pupil with a research opt-out in force at the census date (effective on or before it
and not withdrawn by then, in the consent register: macro ``instruction_in_force`` of
``pipeline.store.rights_tables``) is excluded from every statistic of that census."""


def duckdb_type(dtype: type[pl.DataType] | pl.DataType) -> str:
    base = dtype if isinstance(dtype, type) else type(dtype)
    return _DUCKDB_TYPES[base]


def input_table_ddl(schema: InputSchema) -> str:
    columns = ",\n    ".join(f"{c.name} {duckdb_type(c.dtype)}" for c in schema.columns)
    return f"CREATE TABLE IF NOT EXISTS {schema.name} (\n    {columns}\n)"


def create_tables(con: duckdb.DuckDBPyConnection) -> None:
    """Create every table and view of the store if it does not exist yet."""
    for schema in INPUTS.values():
        con.execute(input_table_ddl(schema))
    con.execute(QUARANTINE_DDL)
    con.execute(LOADS_DDL)
    con.execute(REWRITE_OWED_DDL)
    create_rights_tables(con)
    create_ledger_tables(con)
    con.execute(ON_ROLL_MACRO)
    con.execute(ELIGIBLE_VIEW)
