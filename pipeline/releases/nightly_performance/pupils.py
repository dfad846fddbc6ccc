"""The pupils each performance statistic counts: results and absence joined to the census.

A family's population in academic year ``Y`` is its result or absence rows of ``Y`` whose
pupil is on roll with a single or main registration (enrolment status C or M) at the autumn
census of ``Y`` (the latest census date that falls in ``Y``); a row is counted when its
pupil is statistics-eligible there (``statistics_eligible_census``: no research opt-out in
force at that census date). The pupil's characteristics (sex, Ever-6 FSM, SEN provision,
first language, ethnicity) come from that registration; the school is the one the result or
absence row names. Rows whose pupil is not on roll at that census cannot be checked against
the opt-out register and are not counted either; both exclusions are counted in
:class:`Exclusions`.

The counted frames hold no identifier: the school, the pupil's categories, whether they meet the
family's outcome and the values its means average.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import duckdb
import polars as pl

from pipeline.releases.nightly_performance.measures import ABSENCE, KS2, KS4, MET, NOT_MET, Family
from schema import codes
from schema.errors import PupilstatsError

_YEAR_OF = "CASE WHEN month({d}) >= 9 THEN year({d}) ELSE year({d}) - 1 END"  # academic year start
_LABEL = "printf('%d/%02d', {y}, ({y} + 1) % 100)"

YEAR_CENSUS_SQL = f"""
SELECT {_LABEL.format(y="y")} AS academic_year, max(census_date) AS census_date
FROM (SELECT census_date, {_YEAR_OF.format(d="census_date")} AS y FROM census)
GROUP BY y
"""
"""The autumn census of each academic year: the latest census date that falls in it."""

_POPULATION = """
WITH year_census AS ({year_census}),
results AS (SELECT * FROM {table} WHERE academic_year = $year{only}),
on_roll AS (
    SELECT c.upn, c.census_date, c.sex, c.fsm6, c.sen_provision, c.first_language, c.ethnicity,
           EXISTS (
               SELECT 1 FROM statistics_eligible_census AS e
               WHERE e.upn = c.upn AND e.census_date = c.census_date AND e.laestab = c.laestab
           ) AS counted
    FROM census AS c
    JOIN year_census AS y ON y.census_date = c.census_date AND y.academic_year = $year
    WHERE on_roll(c.enrolment_status)
)
SELECT r.upn, o.census_date, r.laestab AS school, o.sex, o.fsm6, o.sen_provision,
       o.first_language, o.ethnicity, o.counted, {values}
FROM results AS r
JOIN on_roll AS o USING (upn)
"""
"""The population of a family in a year (module docstring): one row per result (absence:
enrolment) whose pupil is on roll at the year's autumn census, with the pupil's
characteristics there and whether they are counted. The one definition of who a
performance statistic is about: the tables count the ``counted`` rows
(:func:`counted_pupils`) and the subject access record lists every pupil
(``population.population_statuses``)."""

_ROWS = "SELECT count(*) FROM {table} WHERE academic_year = $year{only}"

_ELIGIBLE_NOT_ON_ROLL = """
WITH year_census AS ({year_census})
SELECT count(*)
FROM {table} AS r
WHERE r.academic_year = $year{only}
  AND NOT EXISTS (
      SELECT 1 FROM census AS c
      JOIN year_census AS y ON y.census_date = c.census_date AND y.academic_year = $year
      WHERE c.upn = r.upn AND on_roll(c.enrolment_status)
  )
  AND r.upn NOT IN (SELECT upn FROM research_opt_outs_on($census_date))
"""
"""The year's rows whose pupil is not on roll at its autumn census and has no research
opt-out in force at that census date (the consent register, by UPN): the rows a reader's
reconciliation may name, since an opted-out pupil is in no published figure."""

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
    not_on_census_eligible: int = 0
    """Of ``not_on_census``, the rows of pupils with no research opt-out in force at the
    census date (``_ELIGIBLE_NOT_ON_ROLL``)."""


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
    frame = (
        family_population(con, family, academic_year)
        .filter(pl.col("counted"))
        .sort("school", maintain_order=True)
    )
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


def family_population(
    con: duckdb.DuckDBPyConnection, family: Family, academic_year: str
) -> pl.DataFrame:
    """The family's population in ``academic_year`` (``_POPULATION``), with the pupils' UPNs:
    it stays on the store's side (counting drops them, the record keys them)."""
    return con.sql(_query(_POPULATION, family), params={"year": academic_year}).pl()


def exclusions(con: duckdb.DuckDBPyConnection, family: Family, academic_year: str) -> Exclusions:
    """How many of the year's rows were counted and why the others were not."""
    rows = con.sql(_query(_ROWS, family), params={"year": academic_year}).fetchall()[0][0]
    population = family_population(con, family, academic_year)
    counted = int(population["counted"].sum())
    opted_out = population.height - counted
    census_date = census_date_of(con, academic_year)
    eligible_elsewhere = con.sql(
        _query(_ELIGIBLE_NOT_ON_ROLL, family),
        params={"year": academic_year, "census_date": census_date},
    ).fetchall()[0][0]
    return Exclusions(
        family.name,
        academic_year,
        rows,
        counted,
        opted_out,
        rows - population.height,
        int(eligible_elsewhere),
    )


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
