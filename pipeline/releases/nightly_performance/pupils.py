"""The pupils each performance statistic counts: results and absence joined to the census.

A result or absence row of academic year ``Y`` is counted when its pupil is on the autumn
census of ``Y`` (the latest census date that falls in ``Y``) *and* statistics-eligible there
(``statistics_eligible_census``: no research opt-out in force at that census date). The
pupil's characteristics (sex, Ever-6 FSM, SEN provision, first language, ethnicity) come
from their single or main registration on that census; the school is the one the result or
absence row names. Rows whose pupil is not on that census cannot be checked against the
opt-out register and are not counted either; both exclusions are counted in
:class:`Exclusions`.

The frames hold no identifier: the school, the pupil's categories, whether they meet the
family's outcome and the values its means average.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import duckdb
import polars as pl

from pipeline import codes
from pipeline.aggregate.performance.measures import ABSENCE, KS2, KS4, MET, NOT_MET, Family
from pipeline.errors import PupilstatsError

_YEAR_OF = "CASE WHEN month({d}) >= 9 THEN year({d}) ELSE year({d}) - 1 END"  # academic year start
_LABEL = "printf('%d/%02d', {y}, ({y} + 1) % 100)"

YEAR_CENSUS_SQL = f"""
SELECT {_LABEL.format(y="y")} AS academic_year, max(census_date) AS census_date
FROM (SELECT census_date, {_YEAR_OF.format(d="census_date")} AS y FROM census)
GROUP BY y
"""
"""The autumn census of each academic year: the latest census date that falls in it."""

_COUNTED = """
WITH year_census AS ({year_census}),
results AS (SELECT * FROM {table} WHERE academic_year = $year{only}),
eligible AS (
    SELECT e.upn, e.sex, e.fsm6, e.sen_provision, e.first_language, e.ethnicity
    FROM statistics_eligible_census AS e
    JOIN year_census AS y ON y.census_date = e.census_date AND y.academic_year = $year
    WHERE e.enrolment_status IN ('C', 'M')
)
SELECT r.laestab AS school, e.sex, e.fsm6, e.sen_provision, e.first_language, e.ethnicity,
       {values}
FROM results AS r
JOIN eligible AS e USING (upn)
ORDER BY r.laestab
"""

_EXCLUSIONS = """
WITH year_census AS ({year_census}),
results AS (SELECT * FROM {table} WHERE academic_year = $year{only}),
on_census AS (
    SELECT DISTINCT c.upn FROM census AS c
    JOIN year_census AS y ON y.census_date = c.census_date AND y.academic_year = $year
),
eligible AS (
    SELECT DISTINCT e.upn FROM statistics_eligible_census AS e
    JOIN year_census AS y ON y.census_date = e.census_date AND y.academic_year = $year
    WHERE e.enrolment_status IN ('C', 'M')
)
SELECT count(*) AS rows,
       count(*) FILTER (WHERE r.upn IN (SELECT upn FROM eligible)) AS counted,
       count(*) FILTER (WHERE r.upn IN (SELECT upn FROM on_census)
                        AND r.upn NOT IN (SELECT upn FROM eligible)) AS opted_out,
       count(*) FILTER (WHERE r.upn NOT IN (SELECT upn FROM on_census)) AS not_on_census
FROM results AS r
"""

_VALUES: dict[str, tuple[str, str, str]] = {
    KS2.name: (
        "ks2",
        """coalesce(r.reading_score >= 100 AND r.maths_score >= 100
                    AND r.writing_ta IN ('EXS', 'GDS'), false) AS met,
           r.reading_score::DOUBLE AS reading_score, r.maths_score::DOUBLE AS maths_score""",
        "",
    ),
    KS4.name: (
        "ks4",
        """coalesce(r.english_grade >= 5 AND r.maths_grade >= 5, false) AS met,
           r.attainment8, r.progress8""",
        "",
    ),
    ABSENCE.name: (
        "absence",
        """(r.authorised_absence + r.unauthorised_absence) * 10 >= r.possible_sessions AS met,
           (r.authorised_absence + r.unauthorised_absence)::DOUBLE AS sessions_missed,
           r.possible_sessions::DOUBLE AS possible_sessions""",
        " AND possible_sessions > 0",
    ),
}
"""Per family: the store table, the outcome and value columns, and which rows count."""


@dataclass(frozen=True)
class Exclusions:
    """Rows of one family and year: read, counted, excluded by an opt-out, not on census."""

    family: str
    academic_year: str
    rows: int
    counted: int
    opted_out: int
    not_on_census: int


def _query(template: str, family: Family) -> str:
    table, values, only = _VALUES[family.name]
    return template.format(year_census=YEAR_CENSUS_SQL, table=table, values=values, only=only)


def _yes_no(expr: pl.Expr) -> pl.Expr:
    return pl.when(expr).then(pl.lit("Y")).otherwise(pl.lit("N"))


def counted_pupils(
    con: duckdb.DuckDBPyConnection, family: Family, academic_year: str
) -> pl.DataFrame:
    """One row per counted result (absence: enrolment) of ``family`` in ``academic_year``:
    ``school``, the breakdown columns (``sex``, ``disadvantaged``, ``sen_provision``,
    ``eal``, ``ethnic_group``), ``outcome`` (met / not_met) and the means' value columns."""
    frame = con.sql(_query(_COUNTED, family), params={"year": academic_year}).pl()
    value_columns = [m.numerator for m in family.means] + [
        m.denominator for m in family.means if m.denominator
    ]
    return frame.select(
        "school",
        "sex",
        _yes_no(pl.col("fsm6")).alias("disadvantaged"),
        "sen_provision",
        _yes_no(pl.col("first_language").is_in(list(codes.EAL_CODES))).alias("eal"),
        pl.col("ethnicity")
        .replace_strict(codes.ETHNICITY_MAJOR_GROUP, return_dtype=pl.Utf8)
        .alias("ethnic_group"),
        pl.when(pl.col("met")).then(pl.lit(MET)).otherwise(pl.lit(NOT_MET)).alias("outcome"),
        *[pl.col(c).cast(pl.Float64) for c in dict.fromkeys(value_columns)],
    )


def exclusions(con: duckdb.DuckDBPyConnection, family: Family, academic_year: str) -> Exclusions:
    """How many of the year's rows were counted and why the others were not."""
    rows, counted, opted_out, missing = con.sql(
        _query(_EXCLUSIONS, family), params={"year": academic_year}
    ).fetchall()[0]
    return Exclusions(family.name, academic_year, rows, counted, opted_out, missing)


def census_date_of(con: duckdb.DuckDBPyConnection, academic_year: str) -> date | None:
    """The autumn census date of ``academic_year`` (None when the store has no census in it)."""
    rows = con.sql(
        f"SELECT census_date FROM ({YEAR_CENSUS_SQL}) WHERE academic_year = $year",
        params={"year": academic_year},
    ).fetchall()
    return rows[0][0] if rows else None


def check_schools_known(con: duckdb.DuckDBPyConnection, schools: list[str]) -> None:
    """Raise when a counted row names a school missing from the schools lookup."""
    known = {r[0] for r in con.sql("SELECT laestab FROM schools").fetchall()}
    unknown = sorted(set(schools) - known)
    if unknown:
        raise PupilstatsError(
            f"{len(unknown)} school(s) with results are not in the schools lookup: "
            + ", ".join(unknown[:10])
        )
