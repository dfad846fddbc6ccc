"""Step 1 of a load: read and parse a file into a staging table of the store.

Staged rows are typed but not yet validated; rows that did not parse are already in
``quarantine``. ``pipeline.load.commit`` validates the staged rows and moves them into the
input's own table. Pupil-level rows pass between the two steps only inside the store.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb
import polars as pl

from pipeline.load.parse import parse_rows
from pipeline.load.reader import read_rows
from pipeline.store.tables import duckdb_type
from pipeline.store.transaction import rollback_quietly
from schema.inputs import INPUTS, LINE, InputSchema

STAGED_FILES_DDL = """
CREATE TABLE IF NOT EXISTS staged_files (
    input VARCHAR PRIMARY KEY,
    load_id VARCHAR NOT NULL,
    file VARCHAR NOT NULL,
    sha256 VARCHAR NOT NULL,
    delivery VARCHAR NOT NULL,
    rows_read BIGINT NOT NULL,
    rows_unparsed BIGINT NOT NULL
)
"""


@dataclass(frozen=True)
class StagedFile:
    """What staging one file did: the file's digest and how many rows did not parse."""

    input: str
    load_id: str
    file: str
    sha256: str
    delivery: str
    rows_read: int
    rows_unparsed: int


def staging_table(schema: InputSchema) -> str:
    return f"staging_{schema.name}"


def _replace_staging(
    con: duckdb.DuckDBPyConnection, schema: InputSchema, rows: pl.DataFrame
) -> None:
    columns = ", ".join(
        [f"{c.name} {duckdb_type(c.dtype)}" for c in schema.columns] + [f"{LINE} BIGINT"]
    )
    table = staging_table(schema)
    con.execute(f"CREATE OR REPLACE TABLE {table} ({columns})")
    con.register("incoming_rows", rows.to_arrow())
    try:
        con.execute(f"INSERT INTO {table} SELECT * FROM incoming_rows")
    finally:
        con.unregister("incoming_rows")


def quarantine_frame(
    parts: list[pl.DataFrame], *, load_id: str, input_name: str, delivery: str, file: str
) -> pl.DataFrame:
    """Stack quarantine parts (``_line, upn, field, value, reason``) into store rows."""
    columns = {
        LINE: pl.Int64,
        "upn": pl.Utf8,
        "field": pl.Utf8,
        "value": pl.Utf8,
        "reason": pl.Utf8,
    }
    aligned = [
        p.select(
            [
                pl.col(c).cast(t) if c in p.columns else pl.lit(None, t).alias(c)
                for c, t in columns.items()
            ]
        )
        for p in parts
    ]
    stacked = pl.concat(aligned) if aligned else pl.DataFrame(schema=columns)
    now = datetime.now(UTC).replace(tzinfo=None)
    return stacked.select(
        pl.lit(load_id).alias("load_id"),
        pl.lit(input_name).alias("input"),
        pl.lit(delivery).alias("delivery"),
        pl.lit(file).alias("file"),
        pl.col(LINE).alias("line"),
        "upn",
        "field",
        "value",
        "reason",
        pl.lit(now).alias("quarantined_at"),
    )


def insert_quarantine(con: duckdb.DuckDBPyConnection, rows: pl.DataFrame) -> None:
    if rows.is_empty():
        return
    con.register("incoming_quarantine", rows.to_arrow())
    try:
        con.execute("INSERT INTO quarantine SELECT * FROM incoming_quarantine")
    finally:
        con.unregister("incoming_quarantine")


def delivery_of(rows: pl.DataFrame, schema: InputSchema) -> str:
    """Name the delivery a file holds: its values of the schema's ``replaced_by`` columns.

    Loading a delivery again replaces it (the census of one census date, the results of one
    academic year). An input without ``replaced_by`` is a full snapshot: delivery ``all``.
    """
    if not schema.replaced_by:
        return "all"
    keys = rows.select(schema.replaced_by).drop_nulls().unique()
    values = sorted("|".join(str(v) for v in row) for row in keys.iter_rows())
    return ",".join(values) if values else "(none)"


def stage_file(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    input_name: str,
    *,
    census_date: date | None = None,
    geography: pl.DataFrame | None = None,
) -> StagedFile:
    """Read and parse ``path`` as input ``input_name`` into its staging table.

    ``census_date`` and ``geography`` serve a census given as a CTF (``pipeline.load.ctf``).
    """
    schema = INPUTS[input_name]
    raw = read_rows(Path(path), schema, census_date=census_date, geography=geography)
    parsed = parse_rows(raw.rows, schema)
    load_id = uuid.uuid4().hex
    delivery = delivery_of(parsed.rows, schema)
    unparsed = raw.malformed.height + parsed.quarantined[LINE].n_unique()
    con.execute(STAGED_FILES_DDL)
    con.execute("BEGIN TRANSACTION")
    try:
        _replace_staging(con, schema, parsed.rows)
        insert_quarantine(
            con,
            quarantine_frame(
                [raw.malformed, parsed.quarantined],
                load_id=load_id,
                input_name=schema.name,
                delivery=delivery,
                file=str(raw.file),
            ),
        )
        con.execute("DELETE FROM staged_files WHERE input = ?", [schema.name])
        con.execute(
            "INSERT INTO staged_files VALUES (?, ?, ?, ?, ?, ?, ?)",
            [schema.name, load_id, str(raw.file), raw.sha256, delivery, raw.rows_read, unparsed],
        )
        con.execute("COMMIT")
    except Exception:
        rollback_quietly(con)
        raise
    return StagedFile(
        input=schema.name,
        load_id=load_id,
        file=str(raw.file),
        sha256=raw.sha256,
        delivery=delivery,
        rows_read=raw.rows_read,
        rows_unparsed=unparsed,
    )
