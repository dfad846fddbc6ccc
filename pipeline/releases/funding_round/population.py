"""Who the funding round is about: one definition, used to count and to record.

The population is what the National Funding Formula counts: pupils on the census at its
date, on roll with a single or main registration (enrolment status C or M; a subsidiary
registration is counted at the pupil's main school), in NC years R to 11 (KS5 is not funded
by the schools block). A pupil with a research opt-out in force at the census date
(``statistics_eligible_census``) is in the population but not counted: the tables count the
``counted`` rows (``tables``) and the subject access record lists every pupil of the
population with its status (:func:`population_statuses`).
"""

from __future__ import annotations

from datetime import date

import duckdb
import polars as pl

from pipeline.releases.spec import Counted
from pipeline.rights.release_population import COUNTED, EXCLUDED
from schema import codes

FUNDED_NC_YEARS = tuple(y for y, stage in codes.KEY_STAGE_OF_NC_YEAR.items() if stage != "KS5")

FUNDING_POPULATION = """
SELECT c.upn, c.laestab, s.phase, c.nc_year, c.fsm_eligible, c.fsm6, c.first_language,
       c.sen_provision, c.idaci_score,
       EXISTS (
           SELECT 1 FROM statistics_eligible_census AS e
           WHERE e.upn = c.upn AND e.census_date = c.census_date AND e.laestab = c.laestab
       ) AS counted
FROM census AS c
LEFT JOIN schools AS s USING (laestab)
WHERE c.census_date = $census_date
  AND on_roll(c.enrolment_status)
  AND list_contains($nc_years, c.nc_year)
"""
"""The funding population (module docstring): one row per registration of a funded pupil,
with the school's phase, the funding characteristics and whether the pupil is counted."""


def funding_population(con: duckdb.DuckDBPyConnection, census_date: date) -> pl.DataFrame:
    """One row per pupil of the funding population (``FUNDING_POPULATION``), with the pupil's
    UPN: it never leaves the store's side (counting drops it, the record keys it)."""
    return con.sql(
        FUNDING_POPULATION + "ORDER BY c.laestab, c.nc_year, c.upn",
        params={"census_date": census_date, "nc_years": list(FUNDED_NC_YEARS)},
    ).pl()


def population_statuses(con: duckdb.DuckDBPyConnection, counted: Counted) -> pl.DataFrame:
    """The population as subject access records it: ``upn``, ``status`` (counted or excluded
    by an opt-out) and ``reference_date`` (the census date), one row per pupil."""
    census_date = counted.reference_date
    population = funding_population(con, census_date)
    return (
        population.group_by("upn")
        .agg(pl.col("counted").any())
        .select(
            "upn",
            pl.when(pl.col("counted"))
            .then(pl.lit(COUNTED))
            .otherwise(pl.lit(EXCLUDED))
            .alias("status"),
            pl.lit(census_date).alias("reference_date"),
        )
        .sort("upn")
    )
