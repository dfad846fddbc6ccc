"""An earlier release's audited tables, read back from the ledger.

:func:`recorded_tables` rebuilds each table of a release's ledger entry: its dimensions (as
``disclosure.Dimension``), which are attributes, its population, and its cells in the form of
the protection's frames (one column per dimension, ``value``, ``status``, ``reason``,
``published``; ``value`` a whole number for a count table), in the order they were recorded.
This is what a check of a new release against earlier ones reads.
"""

from __future__ import annotations

import json
from collections.abc import Callable

import duckdb
import polars as pl

from disclosure import Dimension
from pipeline.ledger.entry import CELL_COLUMNS, VALUE, LedgerTable


def _dimensions(
    con: duckdb.DuckDBPyConnection, release_id: str
) -> dict[str, list[tuple[Dimension, bool]]]:
    rows = con.execute(
        "SELECT table_name, dimension, total, parents, attribute FROM ledger_dimensions "
        "WHERE release_id = ? ORDER BY table_name, position",
        [release_id],
    ).fetchall()
    found: dict[str, list[tuple[Dimension, bool]]] = {}
    for table, name, total, parents, attribute in rows:
        dimension = Dimension(name=name, total=total, parents=json.loads(parents))
        found.setdefault(table, []).append((dimension, bool(attribute)))
    return found


def _cells(
    con: duckdb.DuckDBPyConnection, release_id: str, table: str, dimensions: list[str], kind: str
) -> pl.DataFrame:
    rows = con.sql(
        "SELECT codes, value, status, reason, published FROM ledger_cells "
        "WHERE release_id = $release AND table_name = $table ORDER BY cell",
        params={"release": release_id, "table": table},
    ).pl()
    codes = pl.Struct({d: pl.Utf8 for d in dimensions})
    value = pl.col(VALUE).cast(pl.Int64) if kind == "count" else pl.col(VALUE)
    return rows.select(
        pl.col("codes").str.json_decode(codes).struct.unnest(),
        value,
        *[pl.col(c).cast(pl.Utf8) for c in CELL_COLUMNS if c != VALUE],
    )


def recorded_tables(
    con: duckdb.DuckDBPyConnection,
    release_id: str,
    wanted: Callable[[str], bool] | None = None,
) -> list[LedgerTable]:
    """The audited tables of ``release_id`` as its ledger entry holds them, in the order
    they were recorded (none for a release not in the ledger); with ``wanted``, only the
    tables whose name it accepts (the others' cells are not read)."""
    dimensions = _dimensions(con, release_id)
    rows = con.execute(
        "SELECT table_name, population, population_sql, measure_kind FROM ledger_tables "
        "WHERE release_id = ? ORDER BY position",
        [release_id],
    ).fetchall()
    tables = []
    for name, population, population_sql, kind in rows:
        if wanted is not None and not wanted(name):
            continue
        dims = dimensions[name]
        tables.append(
            LedgerTable(
                name=name,
                dimensions=tuple(d for d, _ in dims),
                attributes=frozenset(d.name for d, attribute in dims if attribute),
                population=population,
                population_sql=population_sql,
                cells=_cells(con, release_id, name, [d.name for d, _ in dims], kind),
                measure_kind=kind,
            )
        )
    return tables


def recorded_cells(con: duckdb.DuckDBPyConnection, release_id: str) -> dict[str, pl.DataFrame]:
    """The cells of every audited table of ``release_id``, by table name."""
    return {t.name: t.cells for t in recorded_tables(con, release_id)}
