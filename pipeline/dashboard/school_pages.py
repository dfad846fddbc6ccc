"""A page per school: its three-year trend beside the LA's and its figures by group.

For every measure with a table that has a row for the school (a school-level table of the
release), the school page shows the school's trend with the LA's for comparison and one bar
chart per group dimension of that table (latest year; the trend shows the years), read
from the same published cells as the main page. A measure no table of which has the school
(KS4 at a primary school) is listed as not applicable (``z``). The file name of a school's
page is its code, with anything but letters, digits, ``-`` and ``_`` replaced, so a code
can never name a path outside ``schools/``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from pipeline.dashboard.dimensions import group_dimensions, school_dimension
from pipeline.dashboard.measures import Measure
from pipeline.dashboard.model import SchoolRow, Section
from pipeline.dashboard.release import PublishedTable
from pipeline.dashboard.sections import group_chart, slug, trend_chart

SCHOOLS_DIR = "schools"


@dataclass(frozen=True)
class SchoolPage:
    """One school's page: who it is, its sections, and the measures that do not apply."""

    code: str
    name: str
    phase: str
    sections: tuple[Section, ...]
    not_applicable: tuple[str, ...]

    @property
    def file(self) -> str:
        return school_file(self.code)


def school_file(code: str) -> str:
    """The page of the school ``code``, relative to the dashboard folder."""
    return f"{SCHOOLS_DIR}/{re.sub(r'[^A-Za-z0-9_-]', '_', code) or '_'}.html"


def _has_school(table: PublishedTable, code: str) -> bool:
    school = school_dimension(table)
    return school is not None and code in school.leaves


def school_sections(
    measures: Sequence[Measure], code: str, name: str
) -> tuple[list[Section], list[str]]:
    """The school's sections, and the titles of the measures it has no figures for."""
    sections: list[Section] = []
    missing: list[str] = []
    for m in measures:
        tables = [t for t in m.tables if _has_school(t, code)]
        if not tables:
            if any(
                school_dimension(t) is not None and school_dimension(t).leaves for t in m.tables
            ):
                missing.append(m.title)
            continue
        section_id = slug(m.key)
        column = school_dimension(tables[0]).column  # type: ignore[union-attr]
        trend = trend_chart(m, section_id, tables[0], (column, code, name))
        charts = [trend] if trend is not None else []
        for table in tables:
            where = {column: code}
            charts += [
                group_chart(m, table, d, section_id, where, latest_only=True)
                for d in group_dimensions(table)
            ]
        if charts:
            sections.append(Section(id=section_id, title=m.title, measure=m, charts=tuple(charts)))
    return sections, missing


def school_pages(measures: Sequence[Measure], rows: Sequence[SchoolRow]) -> list[SchoolPage]:
    """A page for each row of the school table."""
    pages = []
    for row in rows:
        name = row.name or row.code
        sections, missing = school_sections(measures, row.code, name)
        pages.append(
            SchoolPage(
                code=row.code,
                name=name,
                phase=row.phase,
                sections=tuple(sections),
                not_applicable=tuple(missing),
            )
        )
    return pages
