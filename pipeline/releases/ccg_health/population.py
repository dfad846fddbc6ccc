"""Which children a health release counted, held back or excluded (for subject access).

The health release uses the year's child measurements, so its population is the children
with a measurement of the academic year who are on that year's autumn census: per child a
keyed hash (never the UPN) and a status in the store's ``release_population`` table:

* ``counted``: classified and counted in the tables;
* ``held_back``: measured but quarantined as implausible (not in any figure);
* ``excluded_opt_out``: a research opt-out in force on some day from the census to the end
  of the academic year kept the child out of every figure.

A child on the census without a measurement is not part of this release.
"""

from __future__ import annotations

from datetime import date

import duckdb
import polars as pl

from pipeline.health.measurements import classification_load_id, measurement_window
from pipeline.rights.release_population import COUNTED, EXCLUDED, write_release_population

HELD_BACK = "held_back"

_STATUSES = f"""
WITH measured AS (
    SELECT DISTINCT n.upn FROM ncmp AS n
    WHERE n.academic_year = $year
      AND EXISTS (SELECT 1 FROM census AS c WHERE c.upn = n.upn AND c.census_date = $census)
),
eligible AS (
    SELECT DISTINCT e.upn FROM statistics_eligible_census AS e
    WHERE e.census_date = $census AND e.enrolment_status IN ('C', 'M')
      AND e.upn NOT IN (
          SELECT upn FROM research_opt_outs_during($census::DATE, $year_end::DATE))
),
held AS (SELECT DISTINCT upn FROM quarantine WHERE load_id = $held_load)
SELECT m.upn,
       CASE WHEN m.upn NOT IN (SELECT upn FROM eligible) THEN '{EXCLUDED}'
            WHEN m.upn IN (SELECT upn FROM held) THEN '{HELD_BACK}'
            ELSE '{COUNTED}' END AS status
FROM measured AS m
ORDER BY m.upn
"""


def measured_population(
    con: duckdb.DuckDBPyConnection, academic_year: str, census_date: date
) -> pl.DataFrame:
    """One row per measured child on the census: ``upn`` and ``status`` (module docstring)."""
    params = {
        **measurement_window(academic_year, census_date),
        "held_load": classification_load_id(academic_year),
    }
    return con.sql(_STATUSES, params=params).pl()


def record_health_population(
    con: duckdb.DuckDBPyConnection,
    *,
    release_id: str,
    flow: str,
    academic_year: str,
    census_date: date,
    reference_date: date,
) -> dict[str, int]:
    """Record the release's population by keyed hash; return the number of children per
    status."""
    statuses = measured_population(con, academic_year, census_date)
    return write_release_population(
        con,
        release_id=release_id,
        flow=flow,
        statuses=statuses.with_columns(pl.lit(reference_date).alias("reference_date")),
    )
