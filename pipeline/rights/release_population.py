"""Which pupils each statistical release could count and which it excluded.

A subject access request must say which releases used a pupil's data. For each release the
store keeps, per pupil of the release's population, a keyed hash (never the UPN) and a
status (``counted``, ``excluded_opt_out``, or a status of the release's own such as
``held_back``) in ``release_population``, and one row in ``release_records`` saying where
the release was written and whether it is published.

The record and the release folder become visible together. The release writer
(``pipeline.release.writer``) calls :meth:`PopulationRecord.prepare` after the release is
complete in its hidden partial folder (the rows are committed as ``pending``), renames the
folder into place (the one step that publishes it), then :meth:`PopulationRecord.confirm`.
A run killed anywhere leaves either a pending record without a release folder, which
:func:`resolve_pending_releases` deletes (with the release's ledger entry, committed in the
same transaction by ``pipeline.ledger.record``), or a pending record whose folder is in
place, which it marks published: subject access (``release_history``) and the ledger's
readers resolve pending records first, so they see a release exactly when the release
folder exists.

No release is recorded (and so none is published) from a store whose last load did not
finish (a load killed between staging and committing: ``pipeline.load.load_runs``): part of
the delivery may be missing, so the release is refused in one line before it is visible.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import polars as pl

from pipeline.load.load_runs import check_last_load_finished
from pipeline.rights.audit_log import now_utc
from pipeline.store.ledger_tables import forget_ledger_entry
from pipeline.store.pupil_keys import pupil_keys, store_key
from pipeline.store.transaction import rollback_quietly

COUNTED = "counted"
EXCLUDED = "excluded_opt_out"
PENDING, PUBLISHED = "pending", "published"
MANIFEST = "manifest.json"


@dataclass(frozen=True)
class PopulationRecord:
    """A release's population (``statuses``: one row per pupil with ``upn``, ``status`` and
    ``reference_date``), to be recorded in the store ``con`` together with the release."""

    con: duckdb.DuckDBPyConnection
    flow: str
    statuses: pl.DataFrame

    def prepare(self, release_id: str, release_dir: Path) -> None:
        """Commit the population and a ``pending`` record of the release at ``release_dir``."""
        try:
            self.con.execute("BEGIN TRANSACTION")
            self.insert(release_id, release_dir)
            self.con.execute("COMMIT")
        except BaseException:
            rollback_quietly(self.con)
            raise

    def insert(self, release_id: str, release_dir: Path) -> None:
        """Insert the population and a ``pending`` record of the release at ``release_dir``
        (replacing any earlier record of ``release_id``) inside the caller's transaction, so
        that more can be committed with it (the release ledger, ``pipeline.ledger.record``).
        Refused when the store's last load did not finish."""
        check_last_load_finished(self.con)
        keys = pupil_keys(store_key(self.con), self.statuses["upn"].to_list())
        recorded_at = now_utc()
        rows = self.statuses.select(
            pl.lit(release_id).alias("release_id"),
            pl.lit(self.flow).alias("flow"),
            pl.col("reference_date").cast(pl.Date),
            pl.col("upn").replace_strict(keys, return_dtype=pl.Utf8).alias("pupil_key"),
            "status",
            pl.lit(recorded_at).alias("recorded_at"),
        )
        self.con.register("population_rows", rows.to_arrow())
        try:
            _forget(self.con, release_id)
            self.con.execute("INSERT INTO release_population SELECT * FROM population_rows")
            self.con.execute(
                "INSERT INTO release_records (release_id, flow, release_dir, state, recorded_at) "
                "VALUES (?, ?, ?, ?, ?)",
                [release_id, self.flow, str(release_dir.resolve()), PENDING, recorded_at],
            )
        finally:
            self.con.unregister("population_rows")

    def confirm(self, release_id: str) -> None:
        """Mark the release published: its folder has been renamed into place."""
        _mark_published(self.con, release_id)

    def counts(self) -> dict[str, int]:
        """The number of pupils per status."""
        return {str(k): int(v) for k, v in self.statuses.group_by("status").len().iter_rows()}


def _forget(con: duckdb.DuckDBPyConnection, release_id: str) -> None:
    """Delete the release's population, its ledger entry and its record."""
    con.execute("DELETE FROM release_population WHERE release_id = ?", [release_id])
    forget_ledger_entry(con, release_id)
    con.execute("DELETE FROM release_records WHERE release_id = ?", [release_id])


def _mark_published(con: duckdb.DuckDBPyConnection, release_id: str) -> None:
    con.execute(
        "UPDATE release_records SET state = ? WHERE release_id = ?", [PUBLISHED, release_id]
    )


def resolve_pending_releases(con: duckdb.DuckDBPyConnection) -> dict[str, list[str]]:
    """Settle the records a killed run left ``pending``: published when the release folder
    (with its manifest) is in place, forgotten (record, population and ledger entry, in one
    transaction) when it is not. Returns the release ids per outcome."""
    pending = con.execute(
        "SELECT release_id, release_dir FROM release_records WHERE state = ? ORDER BY 1",
        [PENDING],
    ).fetchall()
    settled: dict[str, list[str]] = {PUBLISHED: [], "forgotten": []}
    for release_id, release_dir in pending:
        if (Path(release_dir) / MANIFEST).is_file():
            _mark_published(con, release_id)
            settled[PUBLISHED].append(release_id)
        else:
            con.execute("BEGIN TRANSACTION")
            try:
                _forget(con, release_id)
                con.execute("COMMIT")
            except BaseException:
                rollback_quietly(con)
                raise
            settled["forgotten"].append(release_id)
    return settled


def release_history(con: duckdb.DuckDBPyConnection, key: str) -> list[dict[str, Any]]:
    """The published releases that counted, held back or excluded the pupil with keyed hash
    ``key``, oldest first (pending records settled first). Records made before releases had
    a ``release_records`` row count as published."""
    resolve_pending_releases(con)
    cursor = con.execute(
        "SELECT p.release_id, p.flow, p.reference_date, p.status "
        "FROM release_population AS p LEFT JOIN release_records AS r USING (release_id) "
        "WHERE p.pupil_key = ? AND coalesce(r.state, ?) = ? "
        "ORDER BY p.recorded_at, p.release_id",
        [key, PUBLISHED, PUBLISHED],
    )
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
