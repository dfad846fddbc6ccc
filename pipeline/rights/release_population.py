"""Which pupils each statistical release could count and which it excluded.

A subject access request must say which releases used a pupil's data. For each release the
store keeps, per pupil on the census at the release's reference date, a keyed hash (never
the UPN) and a status: ``counted`` (statistics-eligible: the release's tables could count
them) or ``excluded_opt_out`` (a research opt-out was in force at the reference date, so
no figure of the release depends on them).
"""

from __future__ import annotations

from datetime import date

import duckdb
import polars as pl

from pipeline.rights.audit_log import now_utc
from pipeline.rights.pupil_keys import pupil_keys, store_key

COUNTED = "counted"
EXCLUDED = "excluded_opt_out"


def population_statuses(con: duckdb.DuckDBPyConnection, reference_date: date) -> pl.DataFrame:
    """One row per pupil on the census of ``reference_date``: upn and status."""
    return con.sql(
        f"""
        SELECT c.upn,
               CASE WHEN bool_or(e.upn IS NOT NULL) THEN '{COUNTED}' ELSE '{EXCLUDED}' END
                   AS status
        FROM census AS c
        LEFT JOIN statistics_eligible_census AS e
          ON e.upn = c.upn AND e.census_date = c.census_date AND e.laestab = c.laestab
        WHERE c.census_date = ? AND c.upn IS NOT NULL
        GROUP BY c.upn
        ORDER BY c.upn
        """,
        params=[reference_date],
    ).pl()


def record_release_population(
    con: duckdb.DuckDBPyConnection, *, release_id: str, flow: str, reference_date: date
) -> dict[str, int]:
    """Record the release's population by keyed hash; return the number of pupils per status."""
    statuses = population_statuses(con, reference_date)
    return write_release_population(
        con,
        release_id=release_id,
        flow=flow,
        statuses=statuses.with_columns(pl.lit(reference_date).alias("reference_date")),
    )


def write_release_population(
    con: duckdb.DuckDBPyConnection, *, release_id: str, flow: str, statuses: pl.DataFrame
) -> dict[str, int]:
    """Replace the release's rows of ``release_population`` with ``statuses`` (one row per
    pupil: ``upn``, ``status``, ``reference_date``), each UPN stored as its keyed hash only;
    return the number of pupils per status. Every release flow records its population here."""
    keys = pupil_keys(store_key(con), statuses["upn"].to_list())
    rows = statuses.select(
        pl.lit(release_id).alias("release_id"),
        pl.lit(flow).alias("flow"),
        pl.col("reference_date").cast(pl.Date),
        pl.col("upn").replace_strict(keys, return_dtype=pl.Utf8).alias("pupil_key"),
        "status",
        pl.lit(now_utc()).alias("recorded_at"),
    )
    con.register("population_rows", rows.to_arrow())
    try:
        con.execute("DELETE FROM release_population WHERE release_id = ?", [release_id])
        con.execute("INSERT INTO release_population SELECT * FROM population_rows")
    finally:
        con.unregister("population_rows")
    return {str(k): int(v) for k, v in statuses.group_by("status").len().iter_rows()}
