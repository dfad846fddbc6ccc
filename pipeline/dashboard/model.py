"""The page model: what the dashboard shows, as plain data the renderer turns into HTML.

``page.build_page`` works it out from a release and nothing else: the headline tiles
(``tiles``), one section of charts per measure (``sections``) and the school table
(``school_table``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pipeline.dashboard.downloads import Download
from pipeline.dashboard.measures import Measure
from pipeline.dashboard.values import Value


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
    downloads: tuple[Download, ...] = field(default_factory=tuple)
