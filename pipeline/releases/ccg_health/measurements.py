"""The child measurements of one academic year that statistics may use, classified.

The measurements classified are those of the children the release counts: the ``counted``
rows of the year's population (``population.HEALTH_POPULATION``: measured children on roll
at the autumn census, research opt-outs left out). The data's reference date is the last
measurement date of the counted children (:func:`measurement_reference_date`). A
measurement whose child is not counted is left out of every figure; those are counted for
the run summary. Implausible
measurements are written to the store's ``quarantine`` table with their reason and are not
classified (``plausibility``).

Nothing here leaves the store except the classified frame the aggregation counts; the
frame's identifiers (UPN, date of birth) are dropped before it is returned.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

import duckdb
import polars as pl

from pipeline.health.classification import classify
from pipeline.health.plausibility import NCMP_LIMITS, PlausibilityLimits
from pipeline.releases.ccg_health.population import (
    classification_load_id,
    health_population,
)
from pipeline.releases.periods import academic_year_bounds
from schema.errors import PupilstatsError

QUARANTINE_FIELD = "bmi_sds"

_CENSUS_OF_YEAR = """
SELECT min(census_date) FROM census WHERE census_date BETWEEN ? AND ?
"""


@dataclass(frozen=True)
class ClassifiedYear:
    """An academic year's eligible measurements, classified, with what was left out."""

    academic_year: str
    census_date: date
    reference_date: date
    """The last measurement date of the counted children."""
    children: pl.DataFrame
    """One row per classified child: laestab, school_year, sex, ward_code, lsoa_code,
    idaci_score, ethnicity, age_years, bmi, bmi_sds, bmi_centile, category. No identifier."""
    measurements: int
    held_back: int
    held_back_by_reason: dict[str, int]
    excluded_by_opt_out: int


def census_date_of(con: duckdb.DuckDBPyConnection, academic_year: str) -> date:
    """The autumn (first) census date of ``academic_year`` in the store."""
    first, last = academic_year_bounds(academic_year)
    found = con.execute(_CENSUS_OF_YEAR, [first, last]).fetchall()[0][0]
    if found is None:
        raise PupilstatsError(f"the store holds no census in academic year {academic_year}")
    return found


def measurement_reference_date(con: duckdb.DuckDBPyConnection, academic_year: str) -> date:
    """The data's reference date: the last measurement date of the year's counted children."""
    population = health_population(con, academic_year, census_date_of(con, academic_year))
    found = population.filter(pl.col("counted"))["measurement_date"].max()
    if found is None:
        raise PupilstatsError(f"the store holds no child measurements for {academic_year}")
    return found


def latest_measurement_year(con: duckdb.DuckDBPyConnection) -> str | None:
    """The most recent academic year the store holds measurements for."""
    return con.execute("SELECT max(academic_year) FROM ncmp").fetchall()[0][0]


def classified_year(
    con: duckdb.DuckDBPyConnection,
    academic_year: str,
    limits: PlausibilityLimits = NCMP_LIMITS,
) -> ClassifiedYear:
    """Classify the year's statistics-eligible measurements and quarantine the implausible."""
    census_date = census_date_of(con, academic_year)
    population = health_population(con, academic_year, census_date)
    raw = population.filter(pl.col("counted")).drop("counted")
    if raw.is_empty():
        raise PupilstatsError(
            f"no statistics-eligible child measurements for academic year {academic_year}"
        )
    reference_date = raw["measurement_date"].max()
    classified = classify(raw, limits)
    held = classified.filter(pl.col("held_back").is_not_null())
    quarantine_implausible(con, academic_year, held)
    children = classified.filter(pl.col("held_back").is_null()).select(
        "laestab",
        "school_year",
        "sex",
        "ward_code",
        "lsoa_code",
        "idaci_score",
        "ethnicity",
        "age_years",
        "bmi",
        "bmi_sds",
        "bmi_centile",
        "category",
    )
    by_reason = dict(held.group_by("held_back").len().sort("held_back").iter_rows())
    return ClassifiedYear(
        academic_year=academic_year,
        census_date=census_date,
        reference_date=reference_date,
        children=children,
        measurements=raw.height,
        held_back=held.height,
        held_back_by_reason={str(k): int(v) for k, v in by_reason.items()},
        excluded_by_opt_out=population.height - raw.height,
    )


def quarantine_implausible(
    con: duckdb.DuckDBPyConnection, academic_year: str, held: pl.DataFrame
) -> None:
    """Replace the year's classification quarantine rows with ``held`` (upn, bmi_sds,
    held_back): one row per measurement, naming the delivery's file."""
    load_id = classification_load_id(academic_year)
    file = con.execute(
        "SELECT file FROM loads WHERE input = 'ncmp' AND delivery = ? "
        "ORDER BY loaded_at DESC LIMIT 1",
        [academic_year],
    ).fetchall()
    now = datetime.now(UTC).replace(tzinfo=None)
    rows = held.select(
        pl.lit(load_id).alias("load_id"),
        pl.lit("ncmp").alias("input"),
        pl.lit(academic_year).alias("delivery"),
        pl.lit(file[0][0] if file else "ncmp").alias("file"),
        pl.lit(None, pl.Int64).alias("line"),
        pl.col("upn"),
        pl.lit(QUARANTINE_FIELD).alias("field"),
        pl.col("bmi_sds").round(3).cast(pl.Utf8).alias("value"),
        pl.col("held_back").alias("reason"),
        pl.lit(now).alias("quarantined_at"),
    )
    con.execute("DELETE FROM quarantine WHERE load_id = ?", [load_id])
    if rows.height:
        con.register("held_back_rows", rows.to_arrow())
        try:
            con.execute("INSERT INTO quarantine SELECT * FROM held_back_rows")
        finally:
            con.unregister("held_back_rows")
