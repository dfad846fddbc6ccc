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

from pipeline.rights.audit_log import now_utc
from pipeline.rights.pupil_keys import pupil_keys, store_key
from pipeline.rights.release_population import COUNTED, EXCLUDED


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
    keys = pupil_keys(store_key(con), statuses["upn"].to_list())
    rows = statuses.select(
        pl.lit(release_id).alias("release_id"),
        pl.lit(flow).alias("flow"),
        "reference_date",
        pl.col("upn").replace_strict(keys, return_dtype=pl.Utf8).alias("pupil_key"),
        "status",
        pl.lit(now_utc()).alias("recorded_at"),
    )
    con.register("performance_population_rows", rows.to_arrow())
    try:
        con.execute("DELETE FROM release_population WHERE release_id = ?", [release_id])
        con.execute("INSERT INTO release_population SELECT * FROM performance_population_rows")
    finally:
        con.unregister("performance_population_rows")
    return dict(statuses.group_by("status").len().iter_rows())
