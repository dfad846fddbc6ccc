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
from pipeline.release.describe import ColumnText
from pipeline.releases.funding_round.population import funding_population
from pipeline.releases.spec import Counted, Options
from schema import codes
from schema.errors import PupilstatsError

SCHOOL_TOTAL = "Total"
CATEGORY_TOTAL = "Total"


@dataclass(frozen=True)
class FundingFactor:
    """One funding table: the pupil characteristic it counts, its categories, the table's
    title and what the characteristic and each of its codes mean, for readers."""

    table: str
    column: str
    categories: tuple[str, ...]
    description: str
    """The table's title."""
    column_text: ColumnText


def _idaci_meaning(band: str, lower: float, upper: float) -> str:
    funded = "not funded (the remainder)" if band == "G" else "funded"
    top = "1.00 inclusive" if band == "A" else f"below {upper:.2f}"
    return f"IDACI score {lower:.2f} to {top}; {funded}"


FUNDING_FACTORS: tuple[FundingFactor, ...] = (
    FundingFactor(
        "funding_key_stage",
        "key_stage",
        ("R-6", "KS3", "KS4"),
        "Pupils by key stage",
        ColumnText(
            "Key stage (NFF basic entitlement phase)",
            "The National Funding Formula's basic entitlement phase of the pupil's NC year. "
            "Years 12-13 (KS5) are not funded by the schools block and not counted.",
            {
                "R-6": "Reception to Year 6 (primary)",
                "KS3": "Years 7 to 9",
                "KS4": "Years 10 and 11",
                "Total": "All funded pupils (Reception to Year 11)",
            },
        ),
    ),
    FundingFactor(
        "funding_fsm",
        "fsm",
        ("Y", "N"),
        "Pupils eligible for free school meals",
        ColumnText(
            "Free school meals (FSM)",
            "Whether the pupil was recorded as eligible for free school meals on census day.",
            {"Y": "Eligible for FSM", "N": "Not eligible for FSM", "Total": "All pupils"},
        ),
    ),
    FundingFactor(
        "funding_fsm6",
        "fsm6",
        ("Y", "N"),
        "Pupils eligible for FSM in the last 6 years",
        ColumnText(
            "FSM at any census in the last six years (Ever-6)",
            "Whether the pupil was eligible for free school meals at any census in the last "
            "six years.",
            {
                "Y": "Eligible at some census in the last six years",
                "N": "Not eligible at any census in the last six years",
                "Total": "All pupils",
            },
        ),
    ),
    FundingFactor(
        "funding_eal",
        "eal",
        ("Y", "N"),
        "Pupils with English as an additional language",
        ColumnText(
            "English as an additional language (EAL)",
            "Whether the pupil's first language is recorded as, or believed to be, other than "
            "English (census codes OTH, OTB). The census does not record when a pupil entered "
            "the English school system, so this is all EAL pupils, not the NFF's EAL3.",
            {
                "Y": "First language other than English",
                "N": "First language English, or not obtained",
                "Total": "All pupils",
            },
        ),
    ),
    FundingFactor(
        "funding_sen",
        "sen_provision",
        codes.SEN_PROVISION,
        "Pupils by SEN provision",
        ColumnText(
            "Special educational needs (SEN) provision",
            "The pupil's SEN provision on the census.",
            {
                "N": "No special educational provision",
                "K": "SEN support",
                "E": "Education, health and care (EHC) plan",
                "Total": "All pupils",
            },
        ),
    ),
    FundingFactor(
        "funding_idaci",
        "idaci_band",
        tuple(b for b, _, _ in codes.IDACI_BANDS),
        "Pupils by IDACI band",
        ColumnText(
            "IDACI band (NFF 2025-26)",
            "The National Funding Formula band of the IDACI score of the pupil's home LSOA. "
            "Bands A-F attract deprivation funding; G, the remainder, does not.",
            {
                **{b: _idaci_meaning(b, lo, hi) for b, lo, hi in codes.IDACI_BANDS},
                "Total": "All pupils",
            },
        ),
    ),
)

SCHOOL_TEXT = ColumnText(
    "School, phase or local authority",
    "Total: the local authority (every funded pupil); primary, secondary, special: every "
    "school of that phase; any other code is one school's LAESTAB (LA number and 4-digit "
    "establishment number; its name and URN are in the open-data files and the spreadsheet).",
    {
        "Total": "The local authority as a whole",
        "primary": "All primary schools",
        "secondary": "All secondary schools",
        "special": "All special schools",
    },
)
PHASE_TEXT = ColumnText(
    "School phase",
    "The phase of the school (Total: all schools of the local authority).",
    {
        "Total": "All schools",
        "primary": "Primary",
        "secondary": "Secondary",
        "special": "Special",
    },
)
PUPILS_TEXT = ColumnText(
    "Number of pupils",
    "Funded pupils on roll on census day (NC years R to 11, single or main registration), "
    "pupils with a research opt-out left out.",
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
