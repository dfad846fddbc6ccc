"""The reader's layout of the health tables: categories that add up, in NCMP's order.

Each protected table (``tables``: school year x sex x weight category, with or without a
breakdown in front) is published as two files, so that no column of either holds a category
beside one that contains it (in one column they summed to about 151%):

* ``<table>.csv``: the mutually exclusive categories, which add up to the category ``Total``
  (all children measured, the denominator): underweight, healthy weight, overweight, living
  with obesity other than severe, living with severe obesity, then ``Total``;
* ``<table>_combined.csv``: the combined categories NCMP reports, each the sum of categories
  of the first file: living with obesity (including severe), then overweight or living with
  obesity. The two contain each other (obesity is part of overweight or obesity) and are
  never added; each is a percentage of the ``Total`` of the first file.

Both files are made of the protected table's published cells only (no cell computed here),
and together they hold every cell of it exactly once (``Total`` only in the first): the
release writer rebuilds the audited table from both (their ``sources``) and compares digests.

Rows are in the order a reader expects: NCMP's category order (NHS England NCMP report code,
``ncmp_code/parameters.py``, ``COL_ORDER``; docs/domain.md, "BMI categories"), school year
Reception before Year 6, every dimension's codes before its ``Total``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

import polars as pl

from disclosure import Dimension
from pipeline.health.classification import (
    ALL_CHILDREN,
    HEALTHY,
    OBESITY,
    OBESITY_NOT_SEVERE,
    OVERWEIGHT,
    OVERWEIGHT_OR_OBESITY,
    SEVERE_OBESITY,
    UNDERWEIGHT,
)
from pipeline.release.published import CellSource, ReleaseTable
from schema import codes

CATEGORY = "category"
EXCLUSIVE: tuple[str, ...] = (
    UNDERWEIGHT,
    HEALTHY,
    OVERWEIGHT,
    OBESITY_NOT_SEVERE,
    SEVERE_OBESITY,
    ALL_CHILDREN,
)
"""The categories of ``<table>.csv`` in NCMP order: the leaves of the hierarchy (each child
is in exactly one), then their total."""
COMBINED: tuple[str, ...] = (OBESITY, OVERWEIGHT_OR_OBESITY)
"""The categories of ``<table>_combined.csv`` in NCMP order (``Obese``, then ``Overweight
and obese``)."""
COMBINED_SUFFIX = "_combined"
PREFERRED_ORDER: dict[str, tuple[str, ...]] = {
    CATEGORY: (*EXCLUSIVE[:-1], *COMBINED),
    "school_year": codes.NCMP_SCHOOL_YEARS,
}
"""Code order per dimension where it is not the dimension's own (Reception before Year 6)."""
STATUS = "status"


def code_order(dimension: Dimension) -> list[str]:
    """``dimension``'s codes in reading order: a preferred order where there is one, the
    dimension's own otherwise, its total last."""
    known = [c for c in dimension.codes if c != dimension.total]
    preferred = [c for c in PREFERRED_ORDER.get(dimension.name, ()) if c in known]
    return [*preferred, *[c for c in known if c not in preferred], dimension.total]


def in_reading_order(cells: pl.DataFrame, dimensions: Sequence[Dimension]) -> pl.DataFrame:
    """``cells`` sorted by each dimension's :func:`code_order`, first dimension first."""
    ranks = [
        pl.col(d.name).replace_strict(
            {c: i for i, c in enumerate(code_order(d))}, return_dtype=pl.Int64
        )
        for d in dimensions
    ]
    return cells.sort(ranks, maintain_order=True)


def _summary(
    base: dict[str, Any], statuses: pl.DataFrame, cells: pl.DataFrame, keys: list[str]
) -> dict[str, Any]:
    """The protected table's summary with the counts of the rows in ``cells`` only."""
    mine = cells.select(keys).join(statuses, on=keys, how="left")
    return {
        **base,
        "cells": mine.height,
        "primary": int((mine[STATUS] == "primary").sum()),
        "secondary": int((mine[STATUS] == "secondary").sum()),
    }


def split_categories(table: ReleaseTable, statuses: pl.DataFrame) -> list[ReleaseTable]:
    """``table`` (all categories of one protected table) as its exclusive and combined
    files (module docstring), rows in reading order. ``statuses``: the protected table's
    dimension columns (text) and ``status``, for the files' summaries."""
    keys = [d.name for d in table.dimensions]
    source = (CellSource(table.name),)
    parts = []
    for name, categories in (
        (table.name, EXCLUSIVE),
        (f"{table.name}{COMBINED_SUFFIX}", COMBINED),
    ):
        cells = table.cells.filter(pl.col(CATEGORY).is_in(list(categories)))
        cells = in_reading_order(cells, table.dimensions)
        parts.append(
            replace(
                table,
                name=name,
                cells=cells,
                summary=_summary(table.summary, statuses, cells, keys),
                sources=source,
            )
        )
    covered = sum(p.cells.height for p in parts)
    if covered != table.cells.height:
        raise ValueError(
            f"table {table.name!r}: the category files hold {covered} of its "
            f"{table.cells.height} cells"
        )
    return parts
