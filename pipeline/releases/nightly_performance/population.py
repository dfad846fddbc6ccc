"""Which pupils a performance release could count, for subject access requests.

A performance release spans several censuses (one per academic year). The store keeps one
row per release and pupil (``release_population``: keyed hash, never the UPN), so a pupil on
several of the release's censuses gets one row: ``counted`` when they were
statistics-eligible on any of them (some figure of the release may use their data), with
the latest such census as ``reference_date``; otherwise ``excluded_opt_out`` at the latest
census they are on (no figure of the release depends on them).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import duckdb
import polars as pl

from pipeline.rights.release_population import COUNTED, EXCLUDED, write_release_population


def population_statuses(
    con: duckdb.DuckDBPyConnection, census_dates: Sequence[date]
) -> pl.DataFrame:
    """One row per pupil on any of ``census_dates``: upn, status and reference date."""
    return con.sql(
        f"""
        WITH seen AS (
            SELECT c.upn, c.census_date, bool_or(e.upn IS NOT NULL) AS eligible
            FROM census AS c
            LEFT JOIN statistics_eligible_census AS e
              ON e.upn = c.upn AND e.census_date = c.census_date AND e.laestab = c.laestab
            WHERE list_contains($dates, c.census_date) AND c.upn IS NOT NULL
            GROUP BY c.upn, c.census_date
        )
        SELECT upn,
               CASE WHEN bool_or(eligible) THEN '{COUNTED}' ELSE '{EXCLUDED}' END AS status,
               coalesce(max(census_date) FILTER (WHERE eligible), max(census_date))
                   AS reference_date
        FROM seen
        GROUP BY upn
        ORDER BY upn
        """,
        params={"dates": list(census_dates)},
    ).pl()


def record_performance_population(
    con: duckdb.DuckDBPyConnection, *, release_id: str, flow: str, census_dates: Sequence[date]
) -> dict[str, int]:
    """Record the release's population by keyed hash; return the number of pupils per status."""
    statuses = population_statuses(con, census_dates)
    return write_release_population(con, release_id=release_id, flow=flow, statuses=statuses)
