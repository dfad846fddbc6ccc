"""Reading the ledger's releases: all of them, one flow's, or the latest of a period.

Every reader settles what a killed run left pending first
(``pipeline.rights.release_population.resolve_pending_releases``), so the ledger lists a
release exactly when its folder was published. A release recorded before the ledger existed
(its ``release_records`` row has no period) has a population record but no ledger entry and
is not listed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import duckdb

from pipeline.rights.release_population import PUBLISHED, resolve_pending_releases

WITHDRAWN = "withdrawn"

_COLUMNS = (
    "release_id, flow, period, reference_date, profile, release_dir, state, recorded_at, "
    "revises, withdrawn_at, withdrawn_reason"
)


@dataclass(frozen=True)
class LedgerRelease:
    """One release of the ledger (a row of ``release_records`` with its ledger columns)."""

    release_id: str
    flow: str
    period: str
    reference_date: date
    profile: str
    release_dir: Path
    state: str
    """``published`` (or ``pending`` while its writer runs)."""
    recorded_at: datetime
    revises: str | None
    withdrawn_at: datetime | None
    withdrawn_reason: str | None

    @property
    def withdrawn(self) -> bool:
        return self.withdrawn_at is not None

    @property
    def shown_state(self) -> str:
        """``withdrawn`` for a withdrawn release, else its state."""
        return WITHDRAWN if self.withdrawn else self.state


def _releases(
    con: duckdb.DuckDBPyConnection, where: str, params: list[object]
) -> list[LedgerRelease]:
    resolve_pending_releases(con)
    rows = con.execute(
        f"SELECT {_COLUMNS} FROM release_records WHERE period IS NOT NULL AND {where} "
        "ORDER BY recorded_at, release_id",
        params,
    ).fetchall()
    return [
        LedgerRelease(*row[:5], Path(row[5]), *row[6:])  # type: ignore[arg-type]
        for row in rows
    ]


def ledger_releases(con: duckdb.DuckDBPyConnection, flow: str | None = None) -> list[LedgerRelease]:
    """Every release of the ledger (of ``flow`` only, if given), oldest first."""
    if flow is None:
        return _releases(con, "true", [])
    return _releases(con, "flow = ?", [flow])


def ledger_release(con: duckdb.DuckDBPyConnection, release_id: str) -> LedgerRelease | None:
    """The release ``release_id`` of the ledger, if it is there."""
    found = _releases(con, "release_id = ?", [release_id])
    return found[0] if found else None


def releases_of_period(
    con: duckdb.DuckDBPyConnection, flow: str, period: str
) -> list[LedgerRelease]:
    """The published releases of ``flow`` for ``period`` (withdrawn ones included), oldest
    first."""
    return _releases(con, "flow = ? AND period = ? AND state = ?", [flow, period, PUBLISHED])


def latest_release(
    con: duckdb.DuckDBPyConnection, flow: str, period: str, *, withdrawn: bool = False
) -> LedgerRelease | None:
    """The newest published release of ``flow`` for ``period`` that is not withdrawn (with
    ``withdrawn=True``: withdrawn or not), if any."""
    found = [r for r in releases_of_period(con, flow, period) if withdrawn or not r.withdrawn]
    return found[-1] if found else None
