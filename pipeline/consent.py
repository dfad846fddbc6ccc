"""Research opt-outs: who may be counted in the statistics of a census.

The exclusion itself is the store's view ``statistics_eligible_census`` (see
``pipeline.store.tables``; when an opt-out is in force is the store's macro
``instruction_in_force``, ``pipeline.store.rights_tables``): every aggregate reads from it and
from nothing else. This module reports what the view excluded, for the flow's summary.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import duckdb


@dataclass(frozen=True)
class OptOutSummary:
    """How many census rows a census has and how many an opt-out removed from statistics."""

    census_date: date
    census_rows: int
    eligible_rows: int

    @property
    def excluded_rows(self) -> int:
        return self.census_rows - self.eligible_rows


def opt_out_summary(con: duckdb.DuckDBPyConnection, census_date: date) -> OptOutSummary:
    census_rows = con.execute(
        "SELECT count(*) FROM census WHERE census_date = ?", [census_date]
    ).fetchall()[0][0]
    eligible = con.execute(
        "SELECT count(*) FROM statistics_eligible_census WHERE census_date = ?", [census_date]
    ).fetchall()[0][0]
    return OptOutSummary(census_date=census_date, census_rows=census_rows, eligible_rows=eligible)
