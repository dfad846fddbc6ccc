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
from pipeline.health.classification import ALL_CHILDREN
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
from pipeline.releases.ccg_health.layout import split_categories
from pipeline.releases.ccg_health.wards import TOTAL_NAME, UNNAMED, WARD_NAME, ward_names
from pipeline.releases.spec import Counted, Protected

MEASURE = "children"
"""The published count's column: children measured and classified."""
CATEGORY = "category"
WARD = "ward"
WARD_LABEL = LabelColumn(
    WARD_NAME, WARD, "the ward's name (data/lookups/wards.csv); x: not in the lookup"
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
            published.append(part)
    return published


def release_tables(counted: Counted, protected: Protected, profile: Profile) -> list[ReleaseTable]:
    """The published form of every protected health table (:func:`health_release_tables`)."""
    return health_release_tables(counted.detail.tables, protected.protection)
