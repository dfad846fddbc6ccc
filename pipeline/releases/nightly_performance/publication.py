"""The published performance tables: protected counts with percentages, and means tables.

Each family and breakdown becomes two release tables, all years stacked with an
``academic_year`` column (a dimension whose total is declared but never published: the
cohorts of different years are different pupils, so a sum over years means nothing):

* ``<counts_table>_<breakdown>`` (e.g. ``ks2_expected_sex``): ``academic_year``, ``school``,
  the breakdown, ``outcome``, ``pupils`` (the protected count or the profile's symbol) and
  ``percentage``, ``ci_lower``, ``ci_upper`` computed from the *published* count and its
  published cohort (``pipeline.release.rates.with_prevalence``: suppressed with either);
* ``<means_table>_<breakdown>`` (e.g. ``ks2_scores_sex``): the same coordinates without
  ``outcome``, ``pupils`` = the published cohort, then one column per mean, suppressed with
  its cohort (``means.published_means``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import polars as pl

from disclosure import Dimension, Profile
from pipeline.release.describe import ACADEMIC_YEAR as ACADEMIC_YEAR_PERIOD
from pipeline.release.describe import SCHOOL_LEVEL, ColumnText, Geography, Period
from pipeline.release.published import CellSource, DerivedColumn, ReleaseTable
from pipeline.release.rates import prevalence_derived_columns, with_prevalence
from pipeline.releases.nightly_performance.means import published_means
from pipeline.releases.nightly_performance.measures import (
    ACADEMIC_YEAR,
    BREAKDOWNS,
    COHORT_COLUMN,
    FAMILIES,
    OUTCOME,
    SCHOOL,
    TOTAL,
    Breakdown,
    Family,
    table_name,
)
from pipeline.releases.nightly_performance.protection import PerformanceProtection
from pipeline.releases.nightly_performance.tables import (
    LA_ONLY,
    OUTCOME_DIMENSION,
    Population,
    school_dimension,
)
from pipeline.releases.spec import Counted, Protected

SUMMED = ("cells", "primary", "secondary")
PERIOD = Period(ACADEMIC_YEAR_PERIOD, column=ACADEMIC_YEAR)
GEOGRAPHY = Geography(SCHOOL, SCHOOL_LEVEL)
YEAR_TEXT = ColumnText(
    "Academic year",
    "The academic year of the results (its autumn census): each year's cohort is different "
    "pupils, so years are never summed.",
)
SCHOOL_TEXT = ColumnText(
    "School or local authority",
    "Total: the local authority as a whole; any other code is one school's LAESTAB (its name "
    "and URN are in schools.csv, the open-data files and the spreadsheet).",
    {TOTAL: "The local authority as a whole"},
)


def column_words(family: Family, breakdown: Breakdown, means: bool) -> dict[str, ColumnText]:
    """The words for the columns of a family's table by ``breakdown`` (counts or means)."""
    words = {ACADEMIC_YEAR: YEAR_TEXT, SCHOOL: SCHOOL_TEXT, breakdown.name: breakdown.text}
    if means:
        words[COHORT_COLUMN] = ColumnText(
            f"Number of {family.unit} (cohort)",
            f"The published cohort: {family.cohort}; the means beside it are over them.",
        )
        for mean in family.means:
            words[mean.column] = ColumnText(mean.description, f"{mean.description}.")
        return words
    words[OUTCOME] = ColumnText(
        "Outcome",
        f"met: {family.met}; not_met: the rest of the cohort; Total: the cohort ({family.cohort}).",
        {"met": family.met, "not_met": "did not", TOTAL: f"The cohort: {family.cohort}"},
    )
    words[COHORT_COLUMN] = ColumnText(
        f"Number of {family.unit}", f"Number of {family.unit} with the outcome of the row."
    )
    return words


def year_dimension(years: Sequence[str]) -> Dimension:
    """``academic_year``: the release's years under a total that is never published."""
    return Dimension.flat(ACADEMIC_YEAR, sorted(years), total=TOTAL)


def _populations_of(populations: Sequence[Population], family: Family) -> list[Population]:
    return sorted((p for p in populations if p.family == family), key=lambda p: p.academic_year)


def _geography(populations: Sequence[Population], breakdown: Breakdown) -> Dimension:
    if not breakdown.by_school:
        return LA_ONLY
    return school_dimension(sorted({s for p in populations for s in p.schools}))


def _published(
    population: Population, breakdown: Breakdown, protection: PerformanceProtection
) -> pl.DataFrame:
    """One year's published cells of a count table, with its ``academic_year``."""
    name = population.table_for(breakdown).name
    return protection.tables[name].select(
        pl.lit(population.academic_year).alias(ACADEMIC_YEAR),
        pl.col(SCHOOL),
        pl.col(breakdown.name),
        pl.col(OUTCOME),
        pl.col("published").alias(COHORT_COLUMN),
    )


def _summary(
    populations: Sequence[Population],
    breakdown: Breakdown,
    protection: PerformanceProtection,
    title: str,
    kind: str,
) -> dict[str, Any]:
    """The years' protection summaries added up, with what the table is (for the manifest)."""
    parts = [protection.summaries[p.table_for(breakdown).name] for p in populations]
    family = populations[0].family
    return {
        "title": f"{title}, {breakdown.title}",
        "family": family.name,
        "kind": kind,
        "breakdown": breakdown.name,
        "level": "school" if breakdown.by_school else "la",
        "unit": family.unit,
        "academic_years": [p.academic_year for p in populations],
        **{k: sum(int(part[k]) for part in parts) for k in SUMMED},
        "method": protection.method,
        "audit_passed": all(bool(part["audit_passed"]) for part in parts)
        and protection.audit.passed,
    }


def count_release_table(
    populations: Sequence[Population],
    breakdown: Breakdown,
    protection: PerformanceProtection,
    profile: Profile,
) -> ReleaseTable:
    """A family's protected counts for one breakdown over its years, with percentages."""
    family = populations[0].family
    cells = pl.concat([_published(p, breakdown, protection) for p in populations])
    dims = (ACADEMIC_YEAR, SCHOOL, breakdown.name, OUTCOME)
    cells = with_prevalence(
        cells,
        measure=COHORT_COLUMN,
        dimensions=dims,
        category=OUTCOME,
        denominator_code=TOTAL,
        symbol=profile.symbol,
    )
    return ReleaseTable(
        name=table_name(family.counts_table, breakdown),
        dimensions=(
            year_dimension([p.academic_year for p in populations]),
            _geography(populations, breakdown),
            Dimension.flat(breakdown.name, breakdown.codes, total=TOTAL),
            OUTCOME_DIMENSION,
        ),
        measure=COHORT_COLUMN,
        cells=cells,
        summary=_summary(populations, breakdown, protection, family.outcome_title, "counts"),
        derived=prevalence_derived_columns(COHORT_COLUMN),
        sources=tuple(
            CellSource(p.table_for(breakdown).name, {ACADEMIC_YEAR: p.academic_year})
            for p in populations
        ),
        title=f"{family.outcome_title}, {breakdown.title}",
        description=(
            f"Number and percentage of {family.cohort} who {family.met}, "
            f"{breakdown.title}, {'by school and ' if breakdown.by_school else 'for '}the local "
            "authority, with 95% confidence intervals; one row set per academic year."
        ),
        column_text=column_words(family, breakdown, means=False),
        period=PERIOD,
        geography=GEOGRAPHY,
    )


def means_release_table(
    populations: Sequence[Population],
    breakdown: Breakdown,
    protection: PerformanceProtection,
    profile: Profile,
) -> ReleaseTable:
    """A family's means for one breakdown over its years, beside the published cohort."""
    family = populations[0].family
    keys = [SCHOOL, breakdown.name]
    years = []
    for population in populations:
        cohort = (
            _published(population, breakdown, protection)
            .filter(pl.col(OUTCOME) == TOTAL)
            .drop(OUTCOME)
        )
        years.append(
            published_means(
                cohort,
                population.sums[population.table_for(breakdown).name],
                keys,
                COHORT_COLUMN,
                family.means,
                profile.symbol,
                profile.threshold,
            )
        )
    cells = pl.concat(years)
    summary = _summary(populations, breakdown, protection, family.means_title, "means")
    summary["cells"] = cells.height
    summary["means_suppressed"] = {
        m.column: int((cells[m.column] == profile.symbol).sum()) for m in family.means
    }
    for key in ("primary", "secondary"):
        summary.pop(key)
    return ReleaseTable(
        name=table_name(family.means_table, breakdown),
        dimensions=(
            year_dimension([p.academic_year for p in populations]),
            _geography(populations, breakdown),
            Dimension.flat(breakdown.name, breakdown.codes, total=TOTAL),
        ),
        measure=COHORT_COLUMN,
        cells=cells,
        summary=summary,
        derived=tuple(
            DerivedColumn(m.column, m.kind, (m.numerator, COHORT_COLUMN)) for m in family.means
        ),
        sources=tuple(
            CellSource(
                p.table_for(breakdown).name, {ACADEMIC_YEAR: p.academic_year, OUTCOME: TOTAL}
            )
            for p in populations
        ),
        title=f"{family.means_title}, {breakdown.title}",
        description=(
            f"The cohort ({family.cohort}) and its averages, {breakdown.title}, "
            f"{'by school and ' if breakdown.by_school else 'for '}the local authority; one "
            "row set per academic year."
        ),
        column_text=column_words(family, breakdown, means=True),
        period=PERIOD,
        geography=GEOGRAPHY,
    )


def performance_release_tables(
    populations: Sequence[Population], protection: PerformanceProtection, profile: Profile
) -> list[ReleaseTable]:
    """Every table of the release: per family with data, per breakdown, counts then means."""
    tables: list[ReleaseTable] = []
    for family in FAMILIES:
        found = _populations_of(populations, family)
        if not found:
            continue
        for breakdown in BREAKDOWNS:
            tables.append(count_release_table(found, breakdown, protection, profile))
            tables.append(means_release_table(found, breakdown, protection, profile))
    return tables


def release_tables(counted: Counted, protected: Protected, profile: Profile) -> list[ReleaseTable]:
    """The published form of every protected table (:func:`performance_release_tables`)."""
    return performance_release_tables(counted.detail, protected.protection, profile)
