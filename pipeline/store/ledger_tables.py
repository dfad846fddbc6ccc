"""The store's tables of the release ledger: every release written, and what it published.

The ledger (``pipeline.ledger``) extends ``release_records`` (one row per release, created
with the population record in ``pipeline.store.rights_tables``) with the release's period,
reference date, profile, the release it revises and whether it was withdrawn, and adds:

* ``ledger_tables``: one row per audited (protected) table of a release: the population it
  counts (the release's population in words and the name of its SQL definition) and how
  many cells it has;
* ``ledger_dimensions``: one row per dimension of such a table: its position, total code,
  every other code's parent (JSON, in the dimension's code order) and whether it is an
  *attribute* (a characteristic or outcome a difference between releases could reveal
  about a pupil) or not (where and when a pupil was counted: school, geography, period);
* ``ledger_cells``: one row per cell of such a table: its codes (JSON object, dimension ->
  code, in dimension order), its true value, its protection status and reason, and its
  published text.

Aggregates only: no table of the ledger holds a UPN, a keyed hash or any pupil-level row, so
subject access, erasure and retention's pupil-records rule do not look into them
(:data:`LEDGER_TABLES`, ``pipeline.store.catalog``). They are kept as long as the releases
they describe: a release leaves the ledger only when its run is forgotten before its folder
was published (``pipeline.rights.release_population.resolve_pending_releases``), and is
otherwise withdrawn, never deleted.
"""

from __future__ import annotations

import duckdb

RELEASE_RECORD_COLUMNS: tuple[tuple[str, str], ...] = (
    ("period", "VARCHAR"),
    ("reference_date", "DATE"),
    ("profile", "VARCHAR"),
    ("revises", "VARCHAR"),
    ("withdrawn_at", "TIMESTAMP"),
    ("withdrawn_reason", "VARCHAR"),
)
"""The ledger's columns of ``release_records`` (null for a release recorded before the
ledger existed, whose population alone is recorded)."""

LEDGER_TABLES_DDL = """
CREATE TABLE IF NOT EXISTS ledger_tables (
    release_id VARCHAR NOT NULL,
    table_name VARCHAR NOT NULL,
    position INTEGER NOT NULL,
    population VARCHAR NOT NULL,
    population_sql VARCHAR NOT NULL,
    measure_kind VARCHAR NOT NULL,
    cells BIGINT NOT NULL,
    PRIMARY KEY (release_id, table_name)
)
"""

LEDGER_DIMENSIONS_DDL = """
CREATE TABLE IF NOT EXISTS ledger_dimensions (
    release_id VARCHAR NOT NULL,
    table_name VARCHAR NOT NULL,
    position INTEGER NOT NULL,
    dimension VARCHAR NOT NULL,
    total VARCHAR NOT NULL,
    parents VARCHAR NOT NULL,
    attribute BOOLEAN NOT NULL,
    PRIMARY KEY (release_id, table_name, dimension)
)
"""

LEDGER_CELLS_DDL = """
CREATE TABLE IF NOT EXISTS ledger_cells (
    release_id VARCHAR NOT NULL,
    table_name VARCHAR NOT NULL,
    cell BIGINT NOT NULL,
    codes VARCHAR NOT NULL,
    value DOUBLE NOT NULL,
    status VARCHAR NOT NULL,
    reason VARCHAR,
    published VARCHAR NOT NULL
)
"""
"""No primary key: the cells of a release are written and deleted together, by release, and
an index over every cell of every release would cost memory on each open."""

LEDGER_TABLES: tuple[str, ...] = ("ledger_tables", "ledger_dimensions", "ledger_cells")
"""The ledger's own tables (aggregates only), in the order a release's rows are deleted."""


def create_ledger_tables(con: duckdb.DuckDBPyConnection) -> None:
    """Create the ledger's tables and add its columns to ``release_records`` (a store made
    before the ledger gets them too, null for its earlier releases)."""
    for name, kind in RELEASE_RECORD_COLUMNS:
        con.execute(f"ALTER TABLE release_records ADD COLUMN IF NOT EXISTS {name} {kind}")
    for ddl in (LEDGER_TABLES_DDL, LEDGER_DIMENSIONS_DDL, LEDGER_CELLS_DDL):
        con.execute(ddl)


def forget_ledger_entry(con: duckdb.DuckDBPyConnection, release_id: str) -> None:
    """Delete a release's ledger rows (inside the caller's transaction): only for a release
    whose folder was never published."""
    for table in LEDGER_TABLES:
        con.execute(f"DELETE FROM {table} WHERE release_id = ?", [release_id])
