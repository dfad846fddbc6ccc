"""The page model: what the dashboard shows, worked out from a release and nothing else.

Any release renders. A *measure* is one headline column: a table's rate or mean columns
(``percentage``, ``mean``, ``rate``), or its count when it derives none. Tables that publish
the same measure by different breakdowns (the performance release has one table per
breakdown, sharing a manifest ``family``) form one measure, so each measure gets one
headline tile for the LA, one LA trend (when the tables have a year dimension) and one chart
per breakdown. A table with an ``outcome`` dimension (codes ``met``/``not_met``, total =
the cohort) shows the figure of ``met`` with the cohort beside it. A ``school`` dimension
gives the sortable school table, named and phased by the release's ``schools.csv``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from pipeline.dashboard import labels
from pipeline.dashboard.release import Column, Dimension, PublishedTable, Release
from pipeline.dashboard.values import COUNT, RATE_KINDS, SYMBOL_MEANINGS, Value, published, share

SCHOOL_DIMENSIONS: tuple[str, ...] = ("school", "laestab", "urn")
TIME_DIMENSIONS: tuple[str, ...] = ("academic_year", "year", "time_period", "period")
OUTCOME_DIMENSIONS: dict[str, str] = {"outcome": "met"}
"""Attribute dimensions and the code whose figure is the measure (the cohort is the total)."""
MAX_TABLE_CATEGORIES = 6
"""A count table adds a school-table column per category only up to this many categories."""


def school_dimension(table: PublishedTable) -> Dimension | None:
    return next((d for d in table.dimensions if d.column in SCHOOL_DIMENSIONS), None)


def time_dimension(table: PublishedTable) -> Dimension | None:
    return next((d for d in table.dimensions if d.column in TIME_DIMENSIONS), None)


def outcome_dimension(table: PublishedTable) -> Dimension | None:
    return next((d for d in table.dimensions if d.column in OUTCOME_DIMENSIONS), None)


def group_dimensions(table: PublishedTable) -> list[Dimension]:
    """Dimensions that split pupils into groups (not the school, year or outcome)."""
    skip = {*SCHOOL_DIMENSIONS, *TIME_DIMENSIONS, *OUTCOME_DIMENSIONS}
    return [d for d in table.dimensions if d.column not in skip]


def periods(table: PublishedTable) -> list[str]:
    """The table's years, oldest first (empty when it has no year dimension)."""
    time = time_dimension(table)
    return sorted(time.parents) if time else []


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


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


@dataclass(frozen=True)
class Tile:
    """A headline figure for the LA: the value and, optionally, a second figure with a note."""

    label: str
    value: Value
    note: str = ""
    detail: Value | None = None


@dataclass(frozen=True)
class Chart:
    """A chart as a matrix: ``values[i][j]`` is category ``i`` in series ``j``.

    Bars: categories are the groups, series the years. Lines: categories are the years
    (x axis), series the lines. ``intervals`` and ``cohorts`` (same shape, or empty) go in
    the chart's data table.
    """

    id: str
    kind: str
    title: str
    description: str
    value_label: str
    category_label: str
    categories: tuple[str, ...]
    series: tuple[str, ...]
    values: tuple[tuple[Value, ...], ...]
    intervals: tuple[tuple[tuple[Value, Value] | None, ...], ...] = ()
    cohorts: tuple[tuple[Value | None, ...], ...] = ()


@dataclass(frozen=True)
class Section:
    """One measure's charts."""

    id: str
    title: str
    measure: Measure
    charts: tuple[Chart, ...]


@dataclass(frozen=True)
class TableColumn:
    key: str
    label: str
    kind: str


@dataclass(frozen=True)
class SchoolRow:
    code: str
    name: str
    phase: str
    values: tuple[Value, ...]


@dataclass(frozen=True)
class SchoolTable:
    """One row per school, one column per measure (latest year, all pupils)."""

    caption: str
    columns: tuple[TableColumn, ...]
    rows: tuple[SchoolRow, ...]


@dataclass(frozen=True)
class Page:
    """Everything the HTML shows."""

    title: str
    release_id: str
    flow: str
    reference_date: str
    created_at: str
    built_at: str
    profile: str
    threshold: int
    rounding_base: int | None
    audit_passed: bool
    latest_period: str | None
    tiles: tuple[Tile, ...]
    sections: tuple[Section, ...]
    school_table: SchoolTable | None
    legend: tuple[tuple[str, str], ...]
    tables: tuple[tuple[str, str], ...] = field(default_factory=tuple)


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


def _latest(table: PublishedTable) -> dict[str, str]:
    time = time_dimension(table)
    years = periods(table)
    return {time.column: years[-1]} if time and years else {}


def _tiles(measures: Sequence[Measure]) -> list[Tile]:
    tiles: list[Tile] = []
    seen: set[tuple[str, str]] = set()
    for m in measures:
        table = m.main
        latest = _latest(table)
        value = m.value(table, latest)
        if m.is_count:
            key = (m.column.column, value.text)
            if key not in seen:
                seen.add(key)
                label = labels.column_label(m.column.column)
                tiles.append(Tile(label=f"{label} in the LA", value=value))
            for dim in group_dimensions(table):
                if "Y" in dim.parents:
                    count = m.value(table, {**latest, dim.column: "Y"})
                    tiles.append(
                        Tile(
                            label=f"{labels.dimension_label(dim.column)}: "
                            f"{labels.code_label(dim.column, 'Y', dim.total, dim.labels)}",
                            value=count,
                            note="of all pupils",
                            detail=share(count, value),
                        )
                    )
            continue
        years = periods(table)
        time = time_dimension(table)
        if time is not None and len(years) > 1:
            previous = m.value(table, {time.column: years[-2]})
            tiles.append(Tile(m.title, value, note=f"in {years[-2]}", detail=previous))
        else:
            tiles.append(Tile(m.title, value))
    return tiles


def _describe(title: str, categories: Sequence[str], series: Sequence[str], values) -> str:
    parts = []
    for category, row in zip(categories, values, strict=True):
        shown = ", ".join(
            f"{s} {v.display}" if len(series) > 1 else v.display
            for s, v in zip(series, row, strict=True)
        )
        parts.append(f"{category}: {shown}")
    return f"{title}. " + "; ".join(parts) + "."


def _value_label(m: Measure) -> str:
    return labels.column_label(m.column.column) if m.is_count else m.column.kind


def _group_chart(m: Measure, table: PublishedTable, dim: Dimension, section_id: str) -> Chart:
    time = time_dimension(table)
    years = periods(table)
    series = tuple(years) if years else (labels.column_label(m.column.column),)
    categories = [dim.total, *dim.parents]
    values, intervals, cohorts = [], [], []
    for code in categories:
        row, row_ci, row_n = [], [], []
        for year in years or [None]:
            codes = {dim.column: code}
            if time is not None and year is not None:
                codes[time.column] = year
            row.append(m.value(table, codes))
            row_ci.append(m.interval_at(table, codes) if m.interval else None)
            row_n.append(m.cohort(table, codes))
        values.append(tuple(row))
        intervals.append(tuple(row_ci))
        cohorts.append(tuple(row_n))
    names = tuple(labels.code_label(dim.column, c, dim.total, dim.labels) for c in categories)
    by = labels.dimension_label(dim.column)
    title = f"{m.title} by {labels.in_sentence(by)}"
    if years:
        title += f", {years[0]} to {years[-1]}" if len(years) > 1 else f", {years[0]}"
    return Chart(
        id=f"{section_id}-by-{_slug(dim.column)}",
        kind="bars",
        title=title,
        description=_describe(title, names, series, values),
        value_label=_value_label(m),
        category_label=by,
        categories=names,
        series=series,
        values=tuple(values),
        intervals=tuple(intervals),
        cohorts=tuple(cohorts),
    )


def _trend_chart(m: Measure, section_id: str) -> Chart | None:
    table = m.main
    time = time_dimension(table)
    years = periods(table)
    if time is None or len(years) < 2:
        return None
    points = [{time.column: y} for y in years]
    values = tuple((m.value(table, codes),) for codes in points)
    title = f"{m.title}: LA trend, {years[0]} to {years[-1]}"
    series = (labels.SCHOOL_TOTAL_LABEL,)
    return Chart(
        id=f"{section_id}-trend",
        kind="lines",
        title=title,
        description=_describe(title, years, series, values),
        value_label=_value_label(m),
        category_label=labels.dimension_label(time.column),
        categories=tuple(years),
        series=series,
        values=values,
        intervals=tuple((m.interval_at(table, c) if m.interval else None,) for c in points),
        cohorts=tuple((m.cohort(table, c),) for c in points),
    )


def _sections(measures: Sequence[Measure]) -> list[Section]:
    sections = []
    for m in measures:
        section_id = _slug(m.key)
        charts = [c for c in [_trend_chart(m, section_id)] if c is not None]
        for table in m.tables:
            charts += [_group_chart(m, table, d, section_id) for d in group_dimensions(table)]
        if not charts:
            continue
        title = m.title
        if m.is_count and not labels.own_title(m.main.entry):
            groups = [labels.dimension_label(d.column) for d in group_dimensions(m.main)]
            if groups:
                title = f"{m.title} by " + " and ".join(labels.in_sentence(g) for g in groups)
        sections.append(Section(id=section_id, title=title, measure=m, charts=tuple(charts)))
    return sections


@dataclass(frozen=True)
class _SchoolColumn:
    """A school-table column: its heading, and which measure, table and codes it reads."""

    heading: TableColumn
    measure: Measure
    table: PublishedTable
    codes: dict[str, str]
    cohort: bool = False

    def value(self, school: str, code: str) -> Value:
        codes = {**self.codes, school: code}
        if self.cohort:
            return self.measure.cohort(self.table, codes) or published(None, COUNT)
        return self.measure.value(self.table, codes)

    def repeats(self, earlier: _SchoolColumn) -> bool:
        """Whether this column may be the same figure as ``earlier`` (then compare values)."""
        same_kind = self.heading.kind == earlier.heading.kind
        return same_kind and (self.heading.label == earlier.heading.label or self.cohort)


def _school_level(m: Measure) -> PublishedTable | None:
    """The measure's first table with school rows."""
    for table in m.tables:
        school = school_dimension(table)
        if school is not None and school.leaves:
            return table
    return None


def _school_columns(measures: Sequence[Measure]) -> list[_SchoolColumn]:
    """Columns of the school table: each measure for all pupils in the latest year; for
    count tables also each category of a small group dimension; for rates, the cohort."""
    columns: list[_SchoolColumn] = []
    for m in measures:
        table = _school_level(m)
        if table is None:
            continue
        latest = _latest(table)
        if m.is_count:
            label = labels.column_label(m.column.column)
            columns.append(_SchoolColumn(TableColumn(m.key, label, COUNT), m, table, latest))
            for dim in group_dimensions(table):
                if len(dim.parents) > MAX_TABLE_CATEGORIES:
                    continue
                for code in dim.parents:
                    name = labels.code_label(dim.column, code, dim.total, dim.labels)
                    heading = TableColumn(f"{m.key}.{dim.column}.{code}", name, COUNT)
                    columns.append(_SchoolColumn(heading, m, table, {**latest, dim.column: code}))
        else:
            heading = TableColumn(m.key, m.title, m.column.kind)
            columns.append(_SchoolColumn(heading, m, table, latest))
            if m.cohort(table, latest) is not None:
                prefix = m.title.split(":", 1)[0]
                unit = str(table.entry.get("unit") or "pupils")
                cohort = TableColumn(f"{m.key}.cohort", f"{prefix}: {unit}", COUNT)
                columns.append(_SchoolColumn(cohort, m, table, latest, cohort=True))
    return columns


def _phase(release: Release, school: Dimension, code: str) -> str:
    """A school's phase: the release's school lookup, else its parent in the dimension."""
    known = release.schools.get(code)
    if known is not None and known.phase:
        return labels.code_label(school.column, known.phase, school.total)
    parent = school.parents.get(code, school.total)
    return "" if parent == school.total else labels.code_label(school.column, parent, "")


def _school_table(release: Release, measures: Sequence[Measure]) -> SchoolTable | None:
    columns = _school_columns(measures)
    dimensions = [d for c in columns if (d := school_dimension(c.table)) is not None]
    if not columns or not dimensions:
        return None
    school = dimensions[0]
    codes = list(dict.fromkeys(code for d in dimensions for code in d.leaves))
    rows = [(code, [c.value(school.column, code) for c in columns]) for code in codes]
    keep: list[int] = []
    for j, column in enumerate(columns):
        repeated = any(
            column.repeats(columns[k]) and all(row[j].text == row[k].text for _, row in rows)
            for k in keep
        )
        if not repeated:
            keep.append(j)
    return SchoolTable(
        caption="Schools: latest year, all pupils",
        columns=tuple(columns[j].heading for j in keep),
        rows=tuple(
            SchoolRow(
                code=code,
                name=school.labels.get(code)
                or (release.schools[code].name if code in release.schools else ""),
                phase=_phase(release, school, code),
                values=tuple(row[j] for j in keep),
            )
            for code, row in rows
        ),
    )


def _legend(release: Release) -> list[tuple[str, str]]:
    symbol = release.symbol
    found: set[str] = set()
    for table in release.tables:
        for row in table.rows:
            for column in table.columns:
                value = published(row.get(column.column), column.kind)
                if value.symbol:
                    found.add(value.symbol)
    legend = [(symbol, SYMBOL_MEANINGS.get(symbol, "suppressed to protect pupils"))]
    for other in sorted(found - {symbol}):
        legend.append((other, SYMBOL_MEANINGS.get(other, "see the release's notes")))
    return legend


def page_title(release: Release) -> str:
    return {
        "nightly-performance": "School performance",
        "funding-round": "Funding round: pupils by funding factor",
    }.get(release.flow, labels.humanise(release.flow or "Statistics"))


def build_page(release: Release, built_at: datetime) -> Page:
    """The page model of ``release``; ``built_at`` is when the page was made."""
    measures = release_measures(release)
    all_periods = sorted({p for t in release.tables for p in periods(t)})
    return Page(
        title=page_title(release),
        release_id=release.release_id,
        flow=release.flow,
        reference_date=release.reference_date,
        created_at=release.created_at,
        built_at=built_at.isoformat(timespec="seconds"),
        profile=str(release.profile.get("name", "")),
        threshold=release.threshold,
        rounding_base=release.profile.get("rounding_base"),
        audit_passed=release.audit_passed,
        latest_period=all_periods[-1] if all_periods else None,
        tiles=tuple(_tiles(measures)),
        sections=tuple(_sections(measures)),
        school_table=_school_table(release, measures),
        legend=tuple(_legend(release)),
        tables=tuple((t.name, labels.table_title(t.name, t.entry)) for t in release.tables),
    )
