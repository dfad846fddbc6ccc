"""Recording a release in the ledger in the same transaction as its population.

The release writer (``pipeline.release.writer``) calls the record's ``prepare`` once the
release is complete in its hidden partial folder, renames the folder into place, then calls
``confirm``. :class:`LedgerRecord` commits the population record (``release_population`` and
a ``pending`` row of ``release_records``, ``pipeline.rights.release_population``) and the
ledger entry (the ledger's columns of that row, ``ledger_tables``, ``ledger_dimensions``,
``ledger_cells``) in ONE transaction. So the ledger entry is pending exactly when the
population record is: a run killed before the rename leaves a pending record without a
folder, which ``resolve_pending_releases`` forgets with its ledger entry; killed after it, the
record is marked published. The ledger, the population record and the folder become visible
together.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import duckdb
import polars as pl

from pipeline.ledger.entry import CELL_COLUMNS, LedgerEntry, LedgerTable
from pipeline.release.guard import refuse_identifiers
from pipeline.rights.release_population import PopulationRecord
from pipeline.store.ledger_tables import forget_ledger_entry


def refuse_identifying_cells(entry: LedgerEntry) -> None:
    """Raise ``ReleaseRefused`` if a code or published text of the entry is shaped like an
    identifier (a UPN, a postcode, a date), as the release writer refuses it in a table:
    the ledger holds aggregates only."""
    for table in entry.tables:
        refuse_identifiers(table.cells.drop("value", "status", "reason"), table.name)


def _dimension_rows(release_id: str, table: LedgerTable) -> list[list[object]]:
    return [
        [
            release_id,
            table.name,
            position,
            dimension.name,
            dimension.total,
            json.dumps({c: dimension.parents[c] for c in dimension.codes if c != dimension.total}),
            dimension.name in table.attributes,
        ]
        for position, dimension in enumerate(table.dimensions)
    ]


def _cell_rows(release_id: str, table: LedgerTable) -> pl.DataFrame:
    names = table.dimension_names
    return table.cells.select(
        pl.lit(release_id).alias("release_id"),
        pl.lit(table.name).alias("table_name"),
        pl.int_range(pl.len(), dtype=pl.Int64).alias("cell"),
        pl.struct(names).struct.json_encode().alias("codes"),
        *CELL_COLUMNS,
    )


def insert_entry(con: duckdb.DuckDBPyConnection, release_id: str, entry: LedgerEntry) -> None:
    """Insert ``entry`` as the ledger entry of ``release_id`` inside the caller's transaction
    (the release's ``release_records`` row must be there: its ledger columns are set)."""
    updated = con.execute(
        "UPDATE release_records SET period = ?, reference_date = ?, profile = ?, revises = ? "
        "WHERE release_id = ?",
        [entry.period, entry.reference_date, entry.profile, entry.revises, release_id],
    ).fetchall()[0][0]
    if updated != 1:
        raise RuntimeError(f"release {release_id}: no release record to add its ledger entry to")
    forget_ledger_entry(con, release_id)
    for position, table in enumerate(entry.tables):
        con.execute(
            "INSERT INTO ledger_tables VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                release_id,
                table.name,
                position,
                table.population,
                table.population_sql,
                table.measure_kind,
                table.cells.height,
            ],
        )
        con.executemany(
            "INSERT INTO ledger_dimensions VALUES (?, ?, ?, ?, ?, ?, ?)",
            _dimension_rows(release_id, table),
        )
    if entry.tables:
        cells = pl.concat([_cell_rows(release_id, t) for t in entry.tables])
        con.register("ledger_cell_rows", cells.to_arrow())
        try:
            con.execute("INSERT INTO ledger_cells SELECT * FROM ledger_cell_rows")
        finally:
            con.unregister("ledger_cell_rows")


@dataclass(frozen=True)
class LedgerRecord:
    """A release's population record and ledger entry, committed together (the writer's
    ``ReleaseRecord``; module docstring)."""

    population: PopulationRecord
    entry: LedgerEntry

    def __post_init__(self) -> None:
        if self.population.flow != self.entry.flow:
            raise ValueError("the population record and the ledger entry name other flows")
        refuse_identifying_cells(self.entry)

    def prepare(self, release_id: str, release_dir: Path) -> None:
        """Commit the population, a ``pending`` record of the release at ``release_dir`` and
        its ledger entry, in one transaction."""
        con = self.population.con
        try:
            con.execute("BEGIN TRANSACTION")
            self.population.insert(release_id, release_dir)
            insert_entry(con, release_id, self.entry)
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise

    def confirm(self, release_id: str) -> None:
        """Mark the release published: its folder has been renamed into place."""
        self.population.confirm(release_id)
