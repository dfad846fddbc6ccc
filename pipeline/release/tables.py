"""Turning protected tables into what is published, and naming the inputs behind them."""

from __future__ import annotations

from pathlib import Path

import duckdb
import polars as pl

from disclosure import Protection, Table
from pipeline.release.manifest import InputDigest
from pipeline.release.published import ReleaseTable


def release_tables(tables: list[Table], protection: Protection, measure: str) -> list[ReleaseTable]:
    """The published view of each protected table: dimension codes and the published value."""
    summaries = protection.summary()
    published = []
    for table in tables:
        dims = [d.name for d in table.dimensions]
        cells = protection.tables[table.name].select(
            *[pl.col(d).cast(pl.Utf8) for d in dims], pl.col("published").alias(measure)
        )
        published.append(
            ReleaseTable(
                name=table.name,
                dimensions=table.dimensions,
                measure=measure,
                cells=cells,
                summary=summaries[table.name],
            )
        )
    return published


def input_digests(con: duckdb.DuckDBPyConnection, inputs: list[str]) -> list[InputDigest]:
    """The latest loaded file of each named input, by file name and sha256."""
    rows = con.execute(
        "SELECT input, file, sha256 FROM loads WHERE list_contains(?, input) "
        "QUALIFY row_number() OVER (PARTITION BY input ORDER BY loaded_at DESC) = 1 "
        "ORDER BY input",
        [inputs],
    ).fetchall()

    return [InputDigest(input=i, file=Path(f).name, sha256=s) for i, f, s in rows]
