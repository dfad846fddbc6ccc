"""One family in one academic year as linked count tables, ready for protection.

Per breakdown a count table crosses

* ``school``: the local authority total ``Total`` > every school with a cohort that year
  (sex and disadvantage), or the single code ``Total`` (SEN provision, EAL, ethnic group:
  local authority only);
* the breakdown (its codes and ``Total``);
* ``outcome``: ``met``, ``not_met`` and ``Total`` = the cohort, the table's attribute
  dimension (the disclosure rules for rates and group attribute disclosure look along it).

All five tables of a population count the same pupils, so their shared cells (a school's
cohort and outcome, the LA's) agree and they are protected as linked tables. Different
populations (KS2, KS4, absence; each year) are different pupils and share no cell.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import duckdb
import polars as pl

from disclosure import Dimension, Profile, Table
from pipeline.consent import opt_out_summary
from pipeline.releases.nightly_performance.means import cell_sums
from pipeline.releases.nightly_performance.measures import (
    BREAKDOWNS,
    FAMILIES,
    OUTCOME,
    OUTCOMES,
    SCHOOL,
    TOTAL,
    Breakdown,
    Family,
    table_name,
    year_code,
)
from pipeline.releases.nightly_performance.pupils import (
    Exclusions,
    census_date_of,
    check_schools_known,
    counted_pupils,
    exclusions,
)
from pipeline.releases.nightly_performance.years import release_years
from pipeline.releases.spec import Counted, Options
from schema.errors import PupilstatsError

OUTCOME_DIMENSION = Dimension.flat(OUTCOME, OUTCOMES, total=TOTAL)
LA_ONLY = Dimension.flat(SCHOOL, (), total=TOTAL)
"""The school dimension of a table published for the local authority only."""
LA_COLUMN = "__la"


@dataclass(frozen=True)
class Population:
    """One family in one academic year: its linked count tables (one per breakdown, in
    ``BREAKDOWNS`` order) and, per table, the sums behind its means cell by cell
    (``means.cell_sums``). Aggregates only: no pupil-level row."""

    family: Family
    academic_year: str
    census_date: date
    tables: tuple[Table, ...]
    sums: dict[str, pl.DataFrame]
    breakdowns: tuple[Breakdown, ...]
    exclusions: Exclusions
    schools: tuple[str, ...]

    @property
    def key(self) -> str:
        """e.g. ``ks2_2025-26``: the population's tables share no cell with other keys'."""
        return f"{self.family.name}_{year_code(self.academic_year)}"

    def table_for(self, breakdown: Breakdown) -> Table:
        return self.tables[self.breakdowns.index(breakdown)]


def protected_name(family: Family, breakdown: Breakdown, academic_year: str) -> str:
    """The name a count table is protected under, e.g. ``ks2_expected_sex_2025-26``."""
    return f"{table_name(family.counts_table, breakdown)}_{year_code(academic_year)}"


def school_dimension(schools: list[str]) -> Dimension:
    """The local authority ``Total`` > each school (LAESTAB)."""
    return Dimension.flat(SCHOOL, sorted(schools), total=TOTAL)


def population_tables(
    family: Family,
    academic_year: str,
    pupils: pl.DataFrame,
    breakdowns: tuple[Breakdown, ...] = BREAKDOWNS,
) -> tuple[tuple[Table, ...], dict[str, pl.DataFrame]]:
    """The count tables and mean sums of one family and year from its counted pupils."""
    schools = school_dimension(pupils["school"].unique().to_list())
    frame = pupils.with_columns(pl.lit(TOTAL).alias(LA_COLUMN))
    tables: list[Table] = []
    sums: dict[str, pl.DataFrame] = {}
    for breakdown in breakdowns:
        name = protected_name(family, breakdown, academic_year)
        geography = schools if breakdown.by_school else LA_ONLY
        group = Dimension.flat(breakdown.name, breakdown.codes, total=TOTAL)
        columns = {SCHOOL: SCHOOL if breakdown.by_school else LA_COLUMN}
        tables.append(
            Table.from_microdata(
                name, frame, (geography, group, OUTCOME_DIMENSION), columns, attribute=OUTCOME
            )
        )
        sums[name] = cell_sums(frame, (geography, group), columns, family.means)
    return tuple(tables), sums


def build_population(
    con: duckdb.DuckDBPyConnection,
    family: Family,
    academic_year: str,
    breakdowns: tuple[Breakdown, ...] = BREAKDOWNS,
) -> Population | None:
    """The population of ``family`` in ``academic_year`` (None when nobody is counted)."""
    pupils = counted_pupils(con, family, academic_year)
    if pupils.is_empty():
        return None
    schools = sorted(pupils["school"].unique().to_list())
    check_schools_known(con, schools)
    tables, sums = population_tables(family, academic_year, pupils, breakdowns)
    census_date = census_date_of(con, academic_year)
    if census_date is None:
        raise PupilstatsError(f"no autumn census for {academic_year}")
    return Population(
        family=family,
        academic_year=academic_year,
        census_date=census_date,
        tables=tables,
        sums=sums,
        breakdowns=breakdowns,
        exclusions=exclusions(con, family, academic_year),
        schools=tuple(schools),
    )


def performance_populations(
    con: duckdb.DuckDBPyConnection, years: list[str], families: tuple[Family, ...] = FAMILIES
) -> list[Population]:
    """Every family in every year that counts someone, family by family, oldest year first."""
    found = [build_population(con, family, year) for family in families for year in years]
    return [p for p in found if p is not None]


def count(
    con: duckdb.DuckDBPyConnection, period: str | None, profile: Profile, options: Options
) -> Counted:
    """Every family in the academic year ``period`` (default: the latest with data) and the
    two before it, counted from statistics-eligible pupils; the run summary's figures are
    the census rows research opt-outs kept out and, per population, who was counted."""
    years = release_years(con, period)
    populations = performance_populations(con, years)
    census_dates = sorted({p.census_date for p in populations})
    excluded = sum(opt_out_summary(con, d).excluded_rows for d in census_dates)
    return Counted(
        period=years[-1],
        reference_date=max(census_dates),
        facts=(("census rows excluded by research opt-outs", excluded),),
        detail=populations,
        census_dates=tuple(census_dates),
        details_markdown=exclusions_markdown(populations),
    )


def audited_tables(counted: Counted) -> list[Table]:
    """The count tables of every population (family and year): every one is protected with
    its population's and audited (the means beside them follow their cohort cells)."""
    return [table for population in counted.detail for table in population.tables]


def exclusions_markdown(populations: Sequence[Population]) -> str:
    """Per population (family and year): rows, counted, opted out, not on the census."""
    lines = [
        "| family | year | rows | counted | opted out | not on census |",
        "|---|---|---:|---:|---:|---:|",
    ]
    lines += [
        f"| {p.family.name} | {p.academic_year} | {p.exclusions.rows} | {p.exclusions.counted} "
        f"| {p.exclusions.opted_out} | {p.exclusions.not_on_census} |"
        for p in populations
    ]
    return "\n".join(lines) + "\n"
