"""One section of charts per measure: its LA trend over the years and one bar chart per
group dimension of each of its tables (``charts`` draws them).

Each chart carries a text description listing every figure, for its ``<desc>``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from pipeline.dashboard import labels
from pipeline.dashboard.dimensions import group_dimensions, periods, time_dimension
from pipeline.dashboard.measures import Measure
from pipeline.dashboard.model import Chart, Section
from pipeline.dashboard.release import Dimension, PublishedTable


def _slug(text: str) -> str:
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


def _value_label(m: Measure) -> str:
    return labels.column_label(m.column.column) if m.is_count else m.column.kind


def group_chart(m: Measure, table: PublishedTable, dim: Dimension, section_id: str) -> Chart:
    """Bars of the measure by the groups of ``dim`` (with its total), one series a year."""
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
        description=_description(title, names, series, values),
        value_label=_value_label(m),
        category_label=by,
        categories=names,
        series=series,
        values=tuple(values),
        intervals=tuple(intervals),
        cohorts=tuple(cohorts),
    )


def trend_chart(m: Measure, section_id: str) -> Chart | None:
    """The measure's LA figure over the years, or None with fewer than two years."""
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
        description=_description(title, years, series, values),
        value_label=_value_label(m),
        category_label=labels.dimension_label(time.column),
        categories=tuple(years),
        series=series,
        values=values,
        intervals=tuple((m.interval_at(table, c) if m.interval else None,) for c in points),
        cohorts=tuple((m.cohort(table, c),) for c in points),
    )


def measure_sections(measures: Sequence[Measure]) -> list[Section]:
    """A section for each measure that has at least one chart, in the measures' order."""
    sections = []
    for m in measures:
        section_id = _slug(m.key)
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
