"""The health release's published tables: protected counts with prevalence and Wilson intervals.

Each protected table is published as two files, the mutually exclusive weight categories and
the combined ones, rows in NCMP's order (``layout``); the ward table has each ward's name
beside its code (``wards``, a label column: ``labels``).

Each table's published cells (``pipeline.release.tables.release_tables``: the dimension codes
and the count, rounded or replaced by the profile's symbol) get three columns computed from the
published figures only (``pipeline.release.rates.with_prevalence``, NHS England's rule): the
percentage of the cell's published count over the published count of all children measured
with the same codes (category ``Total``), to one decimal place, and its 95% Wilson score
interval. The denominator rows themselves (category ``Total``) have no prevalence: their
derived columns show ``z`` (not applicable).

No mean is published: NHS England's rule would suppress a mean over 1-7 children, but a
mean BMI SDS is not additive, so the audit (which checks the additive relations of the counts)
could not show that means published beside the rounded counts of every area leak nothing;
prevalence by category is what NCMP reports below national level.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

import polars as pl

from disclosure import Profile, Protection, Table
from pipeline.health.classification import ALL_CHILDREN, CATEGORY_LABELS
from pipeline.release.describe import SCHOOL_LEVEL, WARD_LEVEL, ColumnText, Geography
from pipeline.release.published import ReleaseTable
from pipeline.release.rates import (
    CI_LOWER,
    CI_UPPER,
    NOT_APPLICABLE,
    PERCENTAGE,
    prevalence_derived_columns,
    with_prevalence,
)
from pipeline.release.tables import release_tables as published_tables
from pipeline.releases.ccg_health.labels import LabelColumn, with_label
from pipeline.releases.ccg_health.layout import COMBINED_SUFFIX, split_categories
from pipeline.releases.ccg_health.tables import TABLE_DESCRIPTIONS
from pipeline.releases.ccg_health.wards import TOTAL_NAME, UNNAMED, WARD_NAME, ward_names
from pipeline.releases.spec import Counted, Protected

MEASURE = "children"
"""The published count's column: children measured and classified."""
CATEGORY = "category"
WARD = "ward"
SCHOOL = "school"
WARD_LABEL = LabelColumn(
    WARD_NAME, WARD, "the ward's name (data/lookups/wards.csv); x: not in the lookup"
)


COLUMN_TEXT: Mapping[str, ColumnText] = {
    "school_year": ColumnText(
        "School year",
        "The NCMP school year the child was measured in.",
        {"R": "Reception", "6": "Year 6", "Total": "Reception and Year 6"},
    ),
    "sex": ColumnText("Sex", "Sex as recorded.", {"F": "Female", "M": "Male", "Total": "All"}),
    CATEGORY: ColumnText(
        "Weight category (UK90 BMI centile, NCMP)",
        "The child's BMI category against the UK90 reference for exact age and sex.",
        {code: label[0].upper() + label[1:] for code, label in CATEGORY_LABELS.items()},
    ),
    MEASURE: ColumnText(
        "Number of children",
        "Children measured and classified, as published under the release's profile (by "
        "default NHS England's rule: 1-7 suppressed, the rest rounded to the nearest 5).",
    ),
    WARD: ColumnText("Ward (ONS code)", "The child's home ward.", {"Total": "All wards"}),
    WARD_NAME: ColumnText("Ward name", "The ward's name."),
    "idaci_quintile": ColumnText(
        "IDACI quintile within the borough",
        "The IDACI quintile of the child's home LSOA among the borough's LSOAs.",
        {"Q1": "Most deprived fifth", "Q5": "Least deprived fifth", "Total": "All"},
    ),
    "ethnic_group": ColumnText("Major ethnic group", "The child's major ethnic group."),
    "school": ColumnText(
        "School (LAESTAB)", "The school the child was measured at.", {"Total": "All schools"}
    ),
}
"""The words for every column the health tables have, for readers."""


def geography_of(table: ReleaseTable) -> Geography | None:
    """The EES level below the LA of a health table: its wards, or its schools (the table by
    school, when asked for); ``None`` for the LA, IDACI and ethnicity tables."""
    if WARD in table.columns:
        return Geography(WARD, WARD_LEVEL)
    if SCHOOL in table.columns:
        return Geography(SCHOOL, SCHOOL_LEVEL)
    return None


def described(table: ReleaseTable) -> ReleaseTable:
    """``table`` with its title, description, column words and (wards) geography."""
    base = table.name.removesuffix(COMBINED_SUFFIX)
    combined = table.name.endswith(COMBINED_SUFFIX)
    where = TABLE_DESCRIPTIONS.get(base, "")
    kind = (
        "combined categories (living with obesity; overweight or living with obesity)"
        if combined
        else "mutually exclusive weight categories, adding up to all children measured"
    )
    return replace(
        table,
        title=f"Child weight (NCMP), {where}: {kind}",
        description=(
            "Children measured in Reception and Year 6 by school year, sex and weight "
            f"category, {where}, with the percentage of all children measured and its 95% "
            "confidence interval."
        ),
        column_text={c: t for c, t in COLUMN_TEXT.items() if c in table.columns},
        geography=geography_of(table),
    )


def health_release_tables(
    tables: list[Table], protection: Protection, wards: Mapping[str, str] | None = None
) -> list[ReleaseTable]:
    """The published form of every protected health table, with prevalence columns: per
    table its exclusive and combined category files; ``wards`` (code -> name, default the
    committed lookup) names the wards of a table with a ``ward`` dimension."""
    symbol = protection.profile.symbol
    names = {**(ward_names() if wards is None else wards), "Total": TOTAL_NAME}
    published: list[ReleaseTable] = []
    for table in published_tables(tables, protection, MEASURE):
        dims = [d.name for d in table.dimensions]
        cells = with_prevalence(
            table.cells,
            measure=MEASURE,
            dimensions=dims,
            category=CATEGORY,
            denominator_code=ALL_CHILDREN,
            symbol=symbol,
        )
        denominator = pl.col(CATEGORY) == ALL_CHILDREN
        cells = cells.with_columns(
            pl.when(denominator).then(pl.lit(NOT_APPLICABLE)).otherwise(pl.col(c)).alias(c)
            for c in (PERCENTAGE, CI_LOWER, CI_UPPER)
        )
        whole = replace(table, cells=cells, derived=prevalence_derived_columns(MEASURE))
        statuses = protection.tables[table.name].select(
            *[pl.col(d).cast(pl.Utf8) for d in dims], "status"
        )
        for part in split_categories(whole, statuses):
            if WARD in dims:
                part = with_label(part, WARD_LABEL, names, UNNAMED)
            published.append(described(part))
    return published


def release_tables(counted: Counted, protected: Protected, profile: Profile) -> list[ReleaseTable]:
    """The published form of every protected health table (:func:`health_release_tables`)."""
    return health_release_tables(counted.detail.tables, protected.protection)
