"""Which rows of the store are held on a pupil, found from the catalog.

Subject access, erasure and retention must reach every table, including tables added after
this was written. So the tables are read from DuckDB's catalog, not listed by hand: a row is
held on a pupil when any of its text columns holds the pupil's UPN (the ``upn`` column of
an input, a quarantined value, a staging row) or its ``pupil_key`` column holds the pupil's
keyed hash (the rights audit log, the release population records).

The release ledger's tables (``pipeline.store.ledger_tables.LEDGER_TABLES``) hold aggregates
only, never a UPN or a keyed hash (the ledger refuses a code shaped like an identifier): they
are listed with no column that can name a pupil, so subject access does not list them and
erasure and retention's pupil-records rule do not scan them (they grow with every release).
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from pipeline.store.ledger_tables import LEDGER_TABLES

KEY_COLUMN = "pupil_key"
UPN_COLUMN = "upn"


@dataclass(frozen=True)
class StoredTable:
    """A base table of the store and the columns that can name a pupil."""

    name: str
    columns: tuple[str, ...]
    text_columns: tuple[str, ...]
    """Columns whose values may be a UPN (every text column except ``pupil_key``; none in
    the ledger's tables)."""
    has_key: bool

    @property
    def has_upn_column(self) -> bool:
        return UPN_COLUMN in self.columns

    def quoted(self) -> str:
        return quote(self.name)


def quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def has_table(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    """Whether the store has a table called ``name`` (read only: works on a store opened
    read-only, and on one no load has touched yet)."""
    ((count,),) = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = ?", [name]
    ).fetchall()  # fetchall: DuckDB 2.0 leaves a fetchone() result unfinished
    return bool(count)


def stored_tables(con: duckdb.DuckDBPyConnection) -> list[StoredTable]:
    """Every base table of the store (not views), with its text columns, by name."""
    rows = con.execute(
        """
        SELECT t.table_name, c.column_name, c.data_type
        FROM duckdb_tables() AS t
        JOIN duckdb_columns() AS c
          ON c.database_name = t.database_name AND c.schema_name = t.schema_name
         AND c.table_name = t.table_name
        WHERE t.database_name = current_database() AND NOT t.temporary
        ORDER BY t.table_name, c.column_index
        """
    ).fetchall()
    columns: dict[str, list[tuple[str, str]]] = {}
    for table, column, data_type in rows:
        columns.setdefault(table, []).append((column, data_type))
    return [
        StoredTable(
            name=table,
            columns=tuple(c for c, _ in cols),
            text_columns=tuple(c for c, t in cols if t == "VARCHAR" and c != KEY_COLUMN)
            if table not in LEDGER_TABLES
            else (),
            has_key=any(c == KEY_COLUMN for c, _ in cols),
        )
        for table, cols in sorted(columns.items())
    ]


def held_on_pupil_sql(table: StoredTable) -> str | None:
    """A WHERE clause selecting the rows of ``table`` held on one pupil, with two parameters:
    the UPN and the pupil's keyed hash. ``None`` if no column of the table can name a pupil."""
    terms = [f"{quote(c)} = $upn" for c in table.text_columns]
    if table.has_key:
        terms.append(f"{quote(KEY_COLUMN)} = $pupil_key")
    return " OR ".join(terms) if terms else None


def held_on_any_sql(table: StoredTable, upns: str, keys: str) -> str | None:
    """A WHERE clause selecting the rows of ``table`` held on any pupil listed in the tables
    ``upns`` (column ``upn``) and ``keys`` (column ``pupil_key``)."""
    terms = [f"{quote(c)} IN (SELECT upn FROM {upns})" for c in table.text_columns]
    if table.has_key:
        terms.append(f"{quote(KEY_COLUMN)} IN (SELECT pupil_key FROM {keys})")
    return " OR ".join(terms) if terms else None
