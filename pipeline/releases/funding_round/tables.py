"""Funding statistics: the pupil-led factors of the National Funding Formula per school.

From the October census (statistics-eligible pupils only, ``statistics_eligible_census``)
this builds one count table per factor, each crossing the school dimension (LA total >
phase > school) with the factor's categories and their total:

* ``funding_key_stage``: basic entitlement phase, R-6, KS3 and KS4;
* ``funding_fsm``: eligible for free school meals at the census;
* ``funding_fsm6``: eligible at any census in the last six years (Ever-6);
* ``funding_eal``: first language other than English (the census does not carry the date a
  pupil entered the English school system, so this is EAL, not the NFF's EAL3);
* ``funding_sen``: SEN provision: none, SEN support, EHC plan;
* ``funding_idaci``: IDACI band A-F (funded) and G (unfunded).

The population is what the NFF counts (``population``): pupils in NC years R to 11 on roll
with a single or main registration (enrolment status C or M); subsidiary registrations are
counted at their main school. Every table counts the same pupils, so their shared cells (a school's
roll, the LA total) agree and the disclosure engine protects them as linked tables.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import duckdb
import polars as pl

from disclosure import Dimension, Profile, Table
from pipeline.consent import opt_out_summary
from pipeline.releases.funding_round.population import funding_population
from pipeline.releases.spec import Counted, Options
from schema import codes
from schema.errors import PupilstatsError

SCHOOL_TOTAL = "Total"
CATEGORY_TOTAL = "Total"


@dataclass(frozen=True)
class FundingFactor:
    """One funding table: the pupil characteristic it counts and its categories."""

    table: str
    column: str
    categories: tuple[str, ...]
    description: str


FUNDING_FACTORS: tuple[FundingFactor, ...] = (
    FundingFactor("funding_key_stage", "key_stage", ("R-6", "KS3", "KS4"), "Pupils by key stage"),
    FundingFactor("funding_fsm", "fsm", ("Y", "N"), "Pupils eligible for free school meals"),
    FundingFactor(
        "funding_fsm6", "fsm6", ("Y", "N"), "Pupils eligible for FSM in the last 6 years"
    ),
    FundingFactor(
        "funding_eal", "eal", ("Y", "N"), "Pupils with English as an additional language"
    ),
    FundingFactor("funding_sen", "sen_provision", codes.SEN_PROVISION, "Pupils by SEN provision"),
    FundingFactor(
        "funding_idaci",
        "idaci_band",
        tuple(b for b, _, _ in codes.IDACI_BANDS),
        "Pupils by IDACI band",
    ),
)


def _yes_no(expr: pl.Expr) -> pl.Expr:
    return pl.when(expr).then(pl.lit("Y")).otherwise(pl.lit("N"))


def funding_characteristics(con: duckdb.DuckDBPyConnection, census_date: date) -> pl.DataFrame:
    """One row per funded, statistics-eligible pupil: school, phase and the NFF factors.

    The frame carries no identifier: only the school and the pupil's categories.
    """
    population = funding_population(con, census_date)
    pupils = population.filter(pl.col("counted")).drop("upn", "counted")
    if pupils.is_empty():
        raise PupilstatsError(f"no statistics-eligible census rows for census date {census_date}")
    unknown = pupils.filter(pl.col("phase").is_null())["laestab"].unique().sort().to_list()
    if unknown:
        raise PupilstatsError(
            f"census {census_date}: {len(unknown)} school(s) not in the schools lookup: "
            + ", ".join(unknown[:10])
        )
    bands = [
        pl.when(pl.col("idaci_score") >= lower).then(pl.lit(band))
        for band, lower, _ in codes.IDACI_BANDS
    ]
    idaci = pl.coalesce(*bands)
    return pupils.select(
        "laestab",
        "phase",
        pl.col("nc_year").replace_strict(codes.KEY_STAGE_OF_NC_YEAR).alias("key_stage"),
        _yes_no(pl.col("fsm_eligible")).alias("fsm"),
        _yes_no(pl.col("fsm6")).alias("fsm6"),
        _yes_no(pl.col("first_language").is_in(list(codes.EAL_CODES))).alias("eal"),
        "sen_provision",
        idaci.alias("idaci_band"),
    )


def school_dimension(con: duckdb.DuckDBPyConnection) -> Dimension:
    """The school hierarchy: LA total > phase > school (LAESTAB), from the schools lookup."""
    schools = con.sql("SELECT phase, laestab FROM schools ORDER BY phase, laestab").pl()
    return Dimension.from_levels("school", schools, ["phase", "laestab"], total=SCHOOL_TOTAL)


def funding_tables(con: duckdb.DuckDBPyConnection, census_date: date) -> list[Table]:
    """Every funding table for ``census_date``, ready for protection as linked tables."""
    pupils = funding_characteristics(con, census_date)
    school = school_dimension(con)
    return [
        Table.from_microdata(
            factor.table,
            pupils,
            (school, Dimension.flat(factor.column, factor.categories, total=CATEGORY_TOTAL)),
            columns={"school": "laestab", factor.column: factor.column},
        )
        for factor in FUNDING_FACTORS
    ]


def count(
    con: duckdb.DuckDBPyConnection, period: str | None, profile: Profile, options: Options
) -> Counted:
    """The funding tables of the census ``period`` (a census date) and how many census rows a
    research opt-out kept out (for the run summary)."""
    census_date = date.fromisoformat(period or "")
    tables = funding_tables(con, census_date)
    summary = opt_out_summary(con, census_date)
    return Counted(
        period=census_date.isoformat(),
        reference_date=census_date,
        facts=(("census rows excluded by research opt-outs", summary.excluded_rows),),
        detail=tables,
        census_dates=(census_date,),
    )


def audited_tables(counted: Counted) -> list[Table]:
    """The six funding tables: every one is protected and audited."""
    return list(counted.detail)
