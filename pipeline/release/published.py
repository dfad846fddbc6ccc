"""The published form of a protected table, and where each of its cells was audited.

A release table's measure column holds published cells of the protected tables that the
attacker's audit checked (``disclosure.audit``): for the funding and health releases one
protected table each, for the performance release the same table of several academic years
stacked (an ``academic_year`` column the protected tables do not have) or only their cohort
cells (``outcome`` = ``Total``). :class:`CellSource` says which, so the release writer can
rebuild from what it is about to write exactly the cells the audit saw, and compare digests
(:func:`audited_cells`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import polars as pl

from disclosure import Dimension
from pipeline.release.describe import STANDARD_DERIVED_TEXT, ColumnText, Geography, Period
from schema.errors import ReleaseRefused

PUBLISHED = "published"
"""The column of a protected table's frame holding the published text of each cell."""


@dataclass(frozen=True)
class DerivedColumn:
    """A column computed from the published figures only (never from true values), such as a
    percentage of a published numerator and denominator or its confidence interval."""

    column: str
    kind: str
    """What it holds, e.g. ``percentage``, ``ci_lower``, ``ci_upper``, ``mean``."""
    derived_from: tuple[str, ...] = ()


@dataclass(frozen=True)
class CellSource:
    """The audited (protected) table some rows of a release table come from.

    ``fixed`` codes select those rows: a code of a column of the release table selects its
    rows with that code (and the column is not one of the protected table's, e.g.
    ``academic_year``); a code of a column the release table lacks selects the protected
    table's cells with that code (e.g. ``outcome`` = ``Total`` for a means table's cohort)."""

    table: str
    fixed: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ReleaseTable:
    """One protected table ready to publish: its published cells and how to read them."""

    name: str
    dimensions: tuple[Dimension, ...]
    measure: str
    cells: pl.DataFrame
    """One Utf8 column per dimension and the measure column (an integer as text, or the
    suppression symbol). Nothing else: no true values, no statuses."""
    summary: dict[str, Any]
    derived: tuple[DerivedColumn, ...] = ()
    """Columns after the measure, each computed from published figures."""
    measure_kind: str = "count"
    sources: tuple[CellSource, ...] = ()
    """The audited tables its measure cells come from (default: the protected table of the
    same name, all of its cells)."""
    title: str = ""
    """What the table is, in a line (the spreadsheet's sheet title, the manifest)."""
    description: str = ""
    """What a row counts and who is in it, in a sentence or two."""
    column_text: Mapping[str, ColumnText] = field(default_factory=dict)
    """Per column: its title, description and the meaning of its codes (the standard derived
    columns, ``pipeline.release.rates``, have theirs by default)."""
    period: Period = field(default_factory=Period)
    """When its figures refer to (EES time columns)."""
    geography: Geography | None = None
    """Which dimension is a geography below the local authority (EES geography columns);
    ``None``: every row is the local authority as a whole."""

    @property
    def columns(self) -> list[str]:
        """The CSV's columns in order: dimensions, measure, derived columns."""
        return [d.name for d in self.dimensions] + [self.measure] + [c.column for c in self.derived]

    def text_of(self, column: str) -> ColumnText:
        """The words for ``column``: as the table declares them, else those of a standard
        derived column of its kind, else the column's name as its title."""
        if column in self.column_text:
            return self.column_text[column]
        kinds = {c.column: c.kind for c in self.derived}
        if column in kinds and kinds[column] in STANDARD_DERIVED_TEXT:
            return STANDARD_DERIVED_TEXT[kinds[column]]
        return ColumnText(column.replace("_", " ").capitalize())

    @property
    def cell_sources(self) -> tuple[CellSource, ...]:
        return self.sources or (CellSource(self.name),)


def _source_cells(table: ReleaseTable, source: CellSource) -> tuple[pl.DataFrame, int]:
    """The protected table's cells that ``table`` publishes from ``source``, as the audit saw
    them (its dimension columns and ``published``), and how many rows of ``table`` they are."""
    dims = [d.name for d in table.dimensions]
    inside = {c: v for c, v in source.fixed.items() if c in dims}
    outside = {c: v for c, v in source.fixed.items() if c not in dims}
    rows = table.cells
    for column, code in inside.items():
        rows = rows.filter(pl.col(column) == code)
    cells = rows.select(
        *[pl.col(d) for d in dims if d not in inside],
        *[pl.lit(code, dtype=pl.Utf8).alias(column) for column, code in outside.items()],
        pl.col(table.measure).cast(pl.Utf8).alias(PUBLISHED),
    )
    return cells, rows.height


def audited_cells(tables: Sequence[ReleaseTable]) -> dict[str, pl.DataFrame]:
    """The audited tables' cells that ``tables`` publish, rebuilt from the release tables
    themselves: per protected table, its dimension columns and ``published``.

    Refused (``ReleaseRefused``) when a release table's rows are not each taken from exactly
    one source, or two release tables publish the same audited cell differently."""
    rebuilt: dict[str, list[pl.DataFrame]] = {}
    for table in tables:
        covered = 0
        for source in table.cell_sources:
            cells, rows = _source_cells(table, source)
            covered += rows
            rebuilt.setdefault(source.table, []).append(cells)
        if covered != table.cells.height:
            raise ReleaseRefused(
                f"table {table.name!r}: {table.cells.height} row(s) but its sources cover "
                f"{covered}: it publishes cells the audit did not check"
            )
    merged = {}
    for name, parts in rebuilt.items():
        columns = parts[0].columns
        cells = pl.concat([p.select(columns) for p in parts]).unique(maintain_order=True)
        keys = [c for c in columns if c != PUBLISHED]
        if cells.select(keys).is_duplicated().any():
            raise ReleaseRefused(
                f"audited table {name!r}: a cell is published with two different values"
            )
        merged[name] = cells
    return merged
