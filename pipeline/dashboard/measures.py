"""The release's measures: the headline columns the page is organised by.

A *measure* is one headline column: a table's rate or mean columns (``percentage``,
``mean``, ``rate``), or its count when it derives none. Tables that publish the same measure
by different breakdowns (the performance release has one table per breakdown, sharing a
manifest ``family``) form one measure, so each measure gets one headline tile for the LA,
one LA trend (when the tables have a year dimension) and one chart per breakdown. A table
with an ``outcome`` dimension (codes ``met``/``not_met``, total = the cohort) shows the
figure of ``met`` with the cohort beside it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pipeline.dashboard import labels
from pipeline.dashboard.dimensions import OUTCOME_DIMENSIONS, outcome_dimension
from pipeline.dashboard.release import Column, PublishedTable, Release
from pipeline.dashboard.values import COUNT, RATE_KINDS, Value, published


@dataclass(frozen=True)
class Measure:
    """One headline column, published by one or more tables (one per breakdown)."""

    key: str
    title: str
    column: Column
    tables: tuple[PublishedTable, ...]
    interval: tuple[str, str] | None = None
    """The tables' 95% interval columns (lower, upper) when the measure has them."""

    @property
    def main(self) -> PublishedTable:
        """The table the LA figures and the trend are read from (the first)."""
        return self.tables[0]

    @property
    def is_count(self) -> bool:
        return self.column.kind == COUNT

    def codes(self, table: PublishedTable, codes: dict[str, str]) -> dict[str, str]:
        """``codes`` plus the outcome whose figure this measure is."""
        outcome = outcome_dimension(table)
        if outcome is not None and not self.is_count:
            return {**codes, outcome.column: OUTCOME_DIMENSIONS[outcome.column]}
        return codes

    def value(self, table: PublishedTable, codes: dict[str, str]) -> Value:
        """The published figure at ``codes`` (other dimensions at their total)."""
        row = table.cell(self.codes(table, codes))
        return published(row.get(self.column.column) if row else None, self.column.kind)

    def cohort(self, table: PublishedTable, codes: dict[str, str]) -> Value | None:
        """The pupils behind the figure at ``codes`` (the table's count at outcome total)."""
        if self.is_count or table.measure.kind != COUNT:
            return None
        row = table.cell(codes)
        return published(row.get(table.measure.column) if row else None, COUNT)

    def interval_at(self, table: PublishedTable, codes: dict[str, str]) -> tuple[Value, Value]:
        assert self.interval is not None
        row = table.cell(self.codes(table, codes))
        lower, upper = self.interval
        return (
            published(row.get(lower) if row else None, "ci_lower"),
            published(row.get(upper) if row else None, "ci_upper"),
        )


_BY_SUFFIX = re.compile(r",?\s+by\s+[^,:]+$")


def _base_title(table: PublishedTable) -> str | None:
    """The manifest title without its breakdown ("..., by sex")."""
    own = labels.own_title(table.entry)
    return _BY_SUFFIX.sub("", own) if own else None


def _measure_title(table: PublishedTable, column: Column, several: bool) -> str:
    base = _base_title(table)
    if column.kind == COUNT:
        return base or labels.column_label(column.column)
    base = base or labels.humanise(str(table.entry.get("family") or table.name))
    if not several:
        return base
    prefix = base.split(":", 1)[0] if ":" in base else base
    return f"{prefix}: {labels.in_sentence(labels.column_label(column.column))}"


def _headline_columns(table: PublishedTable) -> list[Column]:
    rates = [c for c in table.derived if c.kind in RATE_KINDS]
    return rates or [table.measure]


def release_measures(release: Release) -> list[Measure]:
    """The release's measures in manifest order; tables of one family and column (different
    breakdowns) are one measure. A count table without a family is a measure of its own."""
    found: dict[str, list[PublishedTable]] = {}
    columns: dict[str, Column] = {}
    titles: dict[str, str] = {}
    intervals: dict[str, tuple[str, str] | None] = {}
    for table in release.tables:
        headline = _headline_columns(table)
        names = {c.column for c in table.derived}
        interval = ("ci_lower", "ci_upper") if {"ci_lower", "ci_upper"} <= names else None
        family = table.entry.get("family")
        for column in headline:
            group = family if family and column.kind != COUNT else table.name
            key = f"{group}.{column.column}"
            found.setdefault(key, []).append(table)
            columns[key] = column
            titles.setdefault(key, _measure_title(table, column, len(headline) > 1))
            intervals[key] = interval
    return [
        Measure(key, titles[key], columns[key], tuple(tables), intervals[key])
        for key, tables in found.items()
    ]
