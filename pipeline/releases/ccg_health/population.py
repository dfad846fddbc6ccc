"""Who the health release is about: one definition, used to count and to record.

The population is the children with a measurement of the academic year who are on roll with
a single or main registration (enrolment status C or M) at that year's autumn census. A
child is ``counted`` unless a research opt-out keeps them out: one in force at the census
(``statistics_eligible_census``) or on any day from the census to the end of the academic
year (31 August, ``research_opt_outs_during``), so an opt-out recorded between the census and
the measurements counts. The window depends on no child's own dates, so a child left out
cannot move it. ``measurements.classified_year`` counts the ``counted`` rows (and holds the
implausible back); :func:`population_statuses` records every child of the population for
subject access, by keyed hash in the store's ``release_population`` table:

* ``counted``: classified and counted in the tables;
* ``held_back``: measured but quarantined as implausible (not in any figure);
* ``excluded_opt_out``: a research opt-out kept the child out of every figure.

A child on the census without a measurement is not part of this release.
"""

from __future__ import annotations

from datetime import date

import duckdb
import polars as pl

from pipeline.releases.periods import academic_year_bounds
from pipeline.releases.spec import Counted
from pipeline.rights.release_population import COUNTED, EXCLUDED

HELD_BACK = "held_back"

HEALTH_POPULATION = """
SELECT n.upn, n.laestab, n.school_year, n.measurement_date, n.height_cm, n.weight_kg,
       c.date_of_birth, c.sex, c.ward_code, c.lsoa_code, c.idaci_score, c.ethnicity,
       EXISTS (
           SELECT 1 FROM statistics_eligible_census AS e
           WHERE e.upn = c.upn AND e.census_date = c.census_date AND e.laestab = c.laestab
       )
       AND n.upn NOT IN (SELECT upn FROM research_opt_outs_during($census::DATE, $year_end::DATE))
           AS counted
FROM ncmp AS n
JOIN census AS c
  ON c.upn = n.upn AND c.census_date = $census AND on_roll(c.enrolment_status)
WHERE n.academic_year = $year
"""
"""The health population (module docstring): one row per measurement of a child on roll at
the census, with the child's census characteristics and whether they are counted."""

_STATUSES = f"""
WITH population AS ({HEALTH_POPULATION}),
held AS (SELECT DISTINCT upn FROM quarantine WHERE load_id = $held_load)
SELECT upn,
       CASE WHEN NOT bool_or(counted) THEN '{EXCLUDED}'
            WHEN upn IN (SELECT upn FROM held) THEN '{HELD_BACK}'
            ELSE '{COUNTED}' END AS status
FROM population
GROUP BY upn
ORDER BY upn
"""


def measurement_window(academic_year: str, census_date: date) -> dict[str, object]:
    """The query parameters of a year's population: the year, its autumn census date and
    its last day (the opt-out window runs from the census to that day)."""
    return {
        "year": academic_year,
        "census": census_date,
        "year_end": academic_year_bounds(academic_year)[1],
    }


def health_population(
    con: duckdb.DuckDBPyConnection, academic_year: str, census_date: date
) -> pl.DataFrame:
    """The year's population (``HEALTH_POPULATION``), one row per measurement, in school
    and pupil order. The frame holds identifiers: it stays on the store's side."""
    params = measurement_window(academic_year, census_date)
    return con.sql(HEALTH_POPULATION + "ORDER BY n.laestab, n.upn", params=params).pl()


def classification_load_id(academic_year: str) -> str:
    """The quarantine's ``load_id`` for rows held back by classification of a year."""
    return f"classify-ncmp-{academic_year}"


def measured_population(
    con: duckdb.DuckDBPyConnection, academic_year: str, census_date: date
) -> pl.DataFrame:
    """One row per child of the population: ``upn`` and ``status`` (module docstring)."""
    params = {
        **measurement_window(academic_year, census_date),
        "held_load": classification_load_id(academic_year),
    }
    return con.sql(_STATUSES, params=params).pl()


def health_population_statuses(
    con: duckdb.DuckDBPyConnection, academic_year: str, census_date: date, reference_date: date
) -> pl.DataFrame:
    """The population as subject access records it: ``upn``, ``status`` and the release's
    ``reference_date``, one row per child."""
    statuses = measured_population(con, academic_year, census_date)
    return statuses.with_columns(pl.lit(reference_date).alias("reference_date"))


def population_statuses(con: duckdb.DuckDBPyConnection, counted: Counted) -> pl.DataFrame:
    """The population of a counted health release, as subject access records it."""
    detail = counted.detail
    return health_population_statuses(
        con, detail.academic_year, detail.census_date, counted.reference_date
    )
