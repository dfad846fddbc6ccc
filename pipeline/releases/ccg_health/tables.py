"""Child weight prevalence tables (NCMP): counts by school year, sex and weight category.

Every table crosses school year (Reception ``R``, Year 6 ``6``, and their total), sex
(``F``, ``M``, total) and the weight category hierarchy
(``pipeline.health.classification.CATEGORY_PARENTS``; its total is the number of children
measured and classified, the denominator of every prevalence) with one geography or group:

* ``health_la``: the local authority as a whole;
* ``health_ward``: the child's home ward;
* ``health_idaci``: the child's home LSOA's IDACI quintile within the borough (the LSOAs
  ranked by IDACI score and cut into five groups of nearly equal numbers of LSOAs, ``Q1``
  the most deprived), the local form of NCMP's deprivation breakdown;
* ``health_ethnicity``: the child's major ethnic group (DfE codes grouped as
  ``schema.codes.ETHNICITY_MAJOR_GROUP``);
* ``health_school``: the school the child was measured at (when asked for).

All count the same children, so a cell such as (Reception, F, obesity) is the same number in
every table's total row: the tables are linked and protected together.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import duckdb
import numpy as np
import polars as pl

from disclosure import Dimension, Profile, Table
from pipeline.health.classification import ALL_CHILDREN, CATEGORY_PARENTS
from pipeline.releases.ccg_health.breakdowns import school_table_allowed
from pipeline.releases.ccg_health.measurements import classified_year
from pipeline.releases.spec import Counted, Options
from schema import codes

TOTAL = "Total"
QUINTILES = ("Q1", "Q2", "Q3", "Q4", "Q5")

SCHOOL_YEAR = Dimension.flat("school_year", codes.NCMP_SCHOOL_YEARS, total=TOTAL)
SEX = Dimension.flat("sex", codes.SEX, total=TOTAL)
CATEGORY = Dimension(name="category", total=ALL_CHILDREN, parents=CATEGORY_PARENTS)

LA_TABLE = "health_la"
WARD_TABLE = "health_ward"
IDACI_TABLE = "health_idaci"
ETHNICITY_TABLE = "health_ethnicity"
SCHOOL_TABLE = "health_school"

TABLE_DESCRIPTIONS: dict[str, str] = {
    LA_TABLE: "the local authority as a whole",
    WARD_TABLE: "by the child's home ward (ONS ward code, and its name)",
    IDACI_TABLE: (
        "by the IDACI quintile of the child's home LSOA within the borough "
        "(Q1 most deprived fifth of the borough's LSOAs, Q5 least deprived)"
    ),
    ETHNICITY_TABLE: "by the child's major ethnic group",
    SCHOOL_TABLE: "by the school the child was measured at (LAESTAB)",
}


def idaci_quintiles(con: duckdb.DuckDBPyConnection, census_date: object) -> pl.DataFrame:
    """Each LSOA of the census (``lsoa_code``) with its borough IDACI quintile ``Q1``-``Q5``.

    Only statistics-eligible census rows are read (``statistics_eligible_census``), so a
    pupil with a research opt-out changes neither the LSOAs ranked nor their scores. LSOAs
    are ranked by IDACI score, most deprived first (ties by code), and the ranks cut
    into five groups of nearly equal size, as the Indices of Deprivation define quintiles of
    areas (here within the borough, as the store holds scores, not national ranks).
    """
    lsoas = con.sql(
        "SELECT lsoa_code, max(idaci_score) AS idaci_score FROM statistics_eligible_census "
        "WHERE census_date = ? GROUP BY lsoa_code ORDER BY idaci_score DESC, lsoa_code",
        params=[census_date],
    ).pl()
    rank = np.arange(lsoas.height)
    group = (rank * len(QUINTILES)) // max(lsoas.height, 1)
    return lsoas.select("lsoa_code").with_columns(
        pl.Series("idaci_quintile", [QUINTILES[g] for g in group], dtype=pl.Utf8)
    )


def ward_dimension(con: duckdb.DuckDBPyConnection, census_date: object) -> Dimension:
    """Every home ward of the statistics-eligible census (so the table's rows depend neither
    on who was measured nor on pupils with a research opt-out)."""
    wards = con.execute(
        "SELECT DISTINCT ward_code FROM statistics_eligible_census WHERE census_date = ? "
        "ORDER BY ward_code",
        [census_date],
    ).fetchall()
    return Dimension.flat("ward", [w for (w,) in wards], total=TOTAL)


def school_dimension(children: pl.DataFrame) -> Dimension:
    """Every school at which a counted child was measured (a school whose only measured
    children are opted out or held back has no row)."""
    schools = children["laestab"].unique().sort().to_list()
    return Dimension.flat("school", schools, total=TOTAL)


ETHNIC_GROUP = Dimension.flat(
    "ethnic_group", sorted(set(codes.ETHNICITY_MAJOR_GROUP.values())), total=TOTAL
)


def children_with_groups(children: pl.DataFrame, quintiles: pl.DataFrame) -> pl.DataFrame:
    """The classified children with their IDACI quintile and major ethnic group."""
    return children.join(quintiles, on="lsoa_code", how="left").with_columns(
        pl.col("ethnicity").replace_strict(codes.ETHNICITY_MAJOR_GROUP).alias("ethnic_group")
    )


def health_tables(
    con: duckdb.DuckDBPyConnection,
    children: pl.DataFrame,
    census_date: object,
    by_school: bool = True,
) -> list[Table]:
    """The linked prevalence count tables of the classified ``children``."""
    grouped = children_with_groups(children, idaci_quintiles(con, census_date))
    base = (SCHOOL_YEAR, SEX, CATEGORY)
    breakdowns: list[tuple[str, Sequence[Dimension], dict[str, str]]] = [
        (LA_TABLE, (), {}),
        (WARD_TABLE, (ward_dimension(con, census_date),), {"ward": "ward_code"}),
        (
            IDACI_TABLE,
            (Dimension.flat("idaci_quintile", QUINTILES, total=TOTAL),),
            {"idaci_quintile": "idaci_quintile"},
        ),
        (ETHNICITY_TABLE, (ETHNIC_GROUP,), {"ethnic_group": "ethnic_group"}),
    ]
    if by_school:
        breakdowns.append((SCHOOL_TABLE, (school_dimension(children),), {"school": "laestab"}))
    return [
        Table.from_microdata(name, grouped, (*extra, *base), columns=columns)
        for name, extra, columns in breakdowns
    ]


@dataclass(frozen=True)
class HealthTables:
    """The year's linked health tables, with the census they were counted at."""

    academic_year: str
    census_date: date
    tables: list[Table]


def count(
    con: duckdb.DuckDBPyConnection, period: str | None, profile: Profile, options: Options
) -> Counted:
    """Classify the academic year ``period``'s measurements of counted children (quarantining
    the implausible) and count the linked health tables; the table by school as ``options``
    say (``by_school``), else as the profile allows (``breakdowns.toml``)."""
    academic_year = period or ""
    by_school = options.get("by_school")
    if by_school is None:
        by_school = school_table_allowed(profile.name)
    year = classified_year(con, academic_year)
    tables = health_tables(con, year.children, year.census_date, by_school=bool(by_school))
    held = tuple((f"held back: {r}", n) for r, n in sorted(year.held_back_by_reason.items()))
    return Counted(
        period=academic_year,
        reference_date=year.reference_date,
        facts=(
            ("measurements counted", year.measurements - year.held_back),
            ("held back as implausible", year.held_back),
            ("excluded by research opt-outs", year.excluded_by_opt_out),
            *held,
        ),
        detail=HealthTables(academic_year, year.census_date, tables),
        census_dates=(year.census_date,),
    )


def audited_tables(counted: Counted) -> list[Table]:
    """The year's linked health tables: every one is protected and audited together."""
    return list(counted.detail.tables)
