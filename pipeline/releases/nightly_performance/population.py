"""Which pupils a performance release is about, for subject access requests.

A performance release spans several academic years and three families (KS2, KS4, absence).
Its population is the union of the families' populations in every year of the release
(``pupils.family_population``: pupils with a result or absence row of the year, on roll at
that year's autumn census), so one definition decides both who the tables count and who
the record lists. The store keeps one row per release and pupil (``release_population``:
keyed hash, never the UPN): ``counted`` when some figure of the release counts them, with
the latest census at which it does as ``reference_date``; otherwise ``excluded_opt_out`` at
the latest census they are on roll (a research opt-out kept them out of every figure).
"""

from __future__ import annotations

import duckdb
import polars as pl

from pipeline.releases.nightly_performance.measures import FAMILIES
from pipeline.releases.nightly_performance.pupils import family_population
from pipeline.releases.spec import Counted
from pipeline.rights.release_population import COUNTED, EXCLUDED


def release_population(con: duckdb.DuckDBPyConnection, years: list[str]) -> pl.DataFrame:
    """Every family's population in every one of ``years``: ``upn``, ``census_date`` and
    whether the row is ``counted``."""
    parts = [
        family_population(con, family, year).select("upn", "census_date", "counted")
        for family in FAMILIES
        for year in years
    ]
    return pl.concat(parts)


def population_statuses(con: duckdb.DuckDBPyConnection, counted: Counted) -> pl.DataFrame:
    """One row per pupil of the release's population: ``upn``, ``status`` and
    ``reference_date`` (module docstring)."""
    years = sorted({p.academic_year for p in counted.detail})
    rows = release_population(con, years)
    latest_counted = pl.col("census_date").filter(pl.col("counted")).max()
    return (
        rows.group_by("upn")
        .agg(
            pl.col("counted").any().alias("any_counted"),
            pl.coalesce(latest_counted, pl.col("census_date").max()).alias("reference_date"),
        )
        .select(
            "upn",
            pl.when(pl.col("any_counted"))
            .then(pl.lit(COUNTED))
            .otherwise(pl.lit(EXCLUDED))
            .alias("status"),
            "reference_date",
        )
        .sort("upn")
    )
