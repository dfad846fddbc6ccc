"""One section of charts per measure: its LA trend over the years and one bar chart per
group dimension of each of its tables (``charts`` draws them).

Each chart carries a text description listing every figure, for its ``<desc>``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from pipeline.dashboard import labels
from pipeline.dashboard.dimensions import group_dimensions, periods, time_dimension
from pipeline.dashboard.measures import Measure
from pipeline.dashboard.model import Chart, Section
from pipeline.dashboard.release import Dimension, PublishedTable


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _description(title: str, categories: Sequence[str], series: Sequence[str], values) -> str:
    parts = []
    for category, row in zip(categories, values, strict=True):
        shown = ", ".join(
            f"{s} {v.display}" if len(series) > 1 else v.display
            for s, v in zip(series, row, strict=True)
        )
        parts.append(f"{category}: {shown}")
    return f"{title}. " + "; ".join(parts) + "."


AXIS_TITLES: dict[str, str] = {
    "percentage": "% of pupils",
    "rate": "% of possible sessions",
}


def _value_label(m: Measure) -> str:
    """The value axis's title: what the numbers on it are."""
    if m.is_count:
        return labels.column_label(m.column.column)
    if m.column.kind in AXIS_TITLES:
        return AXIS_TITLES[m.column.kind]
    return labels.column_label(m.column.column)


def group_chart(
    m: Measure,
    table: PublishedTable,
    dim: Dimension,
    section_id: str,
    where: Mapping[str, str] | None = None,
    latest_only: bool = False,
) -> Chart:
    """Bars of the measure by the groups of ``dim`` (with its total), one series a year;
    ``where`` fixes other dimensions (a school's page: its code in the school dimension);
    ``latest_only``: the latest year only (a school's page, where its trend shows the years)."""
    time = time_dimension(table)
    years = periods(table)
    if latest_only:
        years = years[-1:]
    series = tuple(years) if years else (labels.column_label(m.column.column),)
    categories = [dim.total, *dim.parents]
    values, intervals, cohorts = [], [], []
    for code in categories:
        row, row_ci, row_n = [], [], []
        for year in years or [None]:
            codes = {**(where or {}), dim.column: code}
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
        id=f"{section_id}-by-{slug(dim.column)}",
        kind="bars",
        title=title,
        description=_description(title, names, series, values),
        value_label=_value_label(m),
        category_label=by,
        categories=names,
        series=series,
        values=tuple(values),
        intervals=tuple(intervals),
        cohorts=tuple(cohorts),
    )


def trend_chart(
    m: Measure,
    section_id: str,
    table: PublishedTable | None = None,
    school: tuple[str, str, str] | None = None,
) -> Chart | None:
    """The measure's LA figure over the years, or None with fewer than two years.

    With ``school`` (dimension column, code, name) the school's figure is the first line and
    the LA's the second, for comparison.
    """
    table = table or m.main
    time = time_dimension(table)
    years = periods(table)
    if time is None or len(years) < 2:
        return None
    places: list[dict[str, str]] = [{}]
    series: tuple[str, ...] = (labels.SCHOOL_TOTAL_LABEL,)
    title = f"{m.title}: LA trend, {years[0]} to {years[-1]}"
    if school is not None:
        column, code, name = school
        places = [{column: code}, {}]
        series = (name, labels.SCHOOL_TOTAL_LABEL)
        title = f"{m.title}: {name} and the LA, {years[0]} to {years[-1]}"
    grid = [[{**p, time.column: y} for p in places] for y in years]
    values = tuple(tuple(m.value(table, c) for c in row) for row in grid)
    return Chart(
        id=f"{section_id}-trend",
        kind="lines",
        title=title,
        description=_description(title, years, series, values),
        value_label=_value_label(m),
        category_label=labels.dimension_label(time.column),
        categories=tuple(years),
        series=series,
        values=values,
        intervals=tuple(
            tuple(m.interval_at(table, c) if m.interval else None for c in row) for row in grid
        ),
        cohorts=tuple(tuple(m.cohort(table, c) for c in row) for row in grid),
    )


def measure_sections(measures: Sequence[Measure]) -> list[Section]:
    """A section for each measure that has at least one chart, in the measures' order."""
    sections = []
    for m in measures:
        section_id = slug(m.key)
        charts = [c for c in [trend_chart(m, section_id)] if c is not None]
        for table in m.tables:
            charts += [group_chart(m, table, d, section_id) for d in group_dimensions(table)]
        if not charts:
            continue
        title = m.title
        if m.is_count and not labels.own_title(m.main.entry):
            groups = [labels.dimension_label(d.column) for d in group_dimensions(m.main)]
            if groups:
                title = f"{m.title} by " + " and ".join(labels.in_sentence(g) for g in groups)
        sections.append(Section(id=section_id, title=title, measure=m, charts=tuple(charts)))
    return sections
