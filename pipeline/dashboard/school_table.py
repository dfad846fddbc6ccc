"""The sortable school table: one row per school, one column per measure (latest year,
all pupils), named and phased by the release's ``schools.csv``.

Only tables with a school dimension that has school rows feed it. A count table adds a
column per category of a small group dimension; a rate or mean adds its cohort. A column of
the same kind as an earlier one, with its heading or as a cohort, is left out when every
figure matches. A school that a table has no row for (a primary school in a KS4 table) gets
``z``, not applicable, in that table's columns.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from pipeline.dashboard import labels
from pipeline.dashboard.dimensions import group_dimensions, latest_year_codes, school_dimension
from pipeline.dashboard.measures import Measure
from pipeline.dashboard.model import SchoolRow, SchoolTable, TableColumn
from pipeline.dashboard.release import Dimension, PublishedTable, Release
from pipeline.dashboard.values import COUNT, Value, published

NOT_APPLICABLE = "z"
"""GSS symbol: a figure that does not apply (a KS4 figure of a primary school)."""


def not_applicable(kind: str) -> Value:
    return Value(text=NOT_APPLICABLE, kind=kind, number=None, symbol=NOT_APPLICABLE)


MAX_TABLE_CATEGORIES = 6
"""A count table adds a school-table column per category only up to this many categories."""


@dataclass(frozen=True)
class _SchoolColumn:
    """A school-table column: its heading, and which measure, table and codes it reads."""

    heading: TableColumn
    measure: Measure
    table: PublishedTable
    codes: dict[str, str]
    cohort: bool = False

    def value(self, school: str, code: str) -> Value:
        """The school's figure; ``z`` (not applicable) when the table has no row for the
        school at all (a KS4 figure of a primary school)."""
        dimension = school_dimension(self.table)
        if dimension is None or code not in dimension.parents:
            return not_applicable(self.heading.kind)
        codes = {**self.codes, school: code}
        if self.cohort:
            return self.measure.cohort(self.table, codes) or published(None, COUNT)
        return self.measure.value(self.table, codes)

    def repeats(self, earlier: _SchoolColumn) -> bool:
        """Whether this column may be the same figure as ``earlier`` (then compare values)."""
        same_kind = self.heading.kind == earlier.heading.kind
        return same_kind and (self.heading.label == earlier.heading.label or self.cohort)


def _school_level_table(m: Measure) -> PublishedTable | None:
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
        table = _school_level_table(m)
        if table is None:
            continue
        latest = latest_year_codes(table)
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


def _school_phase(release: Release, school: Dimension, code: str) -> str:
    """A school's phase: the release's school lookup, else its parent in the dimension."""
    known = release.schools.get(code)
    if known is not None and known.phase:
        return labels.code_label(school.column, known.phase, school.total)
    parent = school.parents.get(code, school.total)
    return "" if parent == school.total else labels.code_label(school.column, parent, "")


def school_table(release: Release, measures: Sequence[Measure]) -> SchoolTable | None:
    """The school table of ``measures``, or None when no measure has school rows."""
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
                phase=_school_phase(release, school, code),
                values=tuple(row[j] for j in keep),
            )
            for code, row in rows
        ),
    )
