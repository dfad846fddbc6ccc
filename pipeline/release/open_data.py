"""A release in the EES open-data standard: per table a tidy CSV and its ``.meta.csv``.

DfE's Explore Education Statistics (EES) open-data standard (docs/release-formats.md,
from dfe-analytical-services/analysts-guide ``statistics-production/ud.qmd``) asks for one
data file and one metadata file per table:

* the data file starts with the time columns ``time_period`` (six digits for an academic
  year, ``202526``) and ``time_identifier``, then ``geographic_level``, ``country_code``,
  ``country_name`` and the columns the level requires (local authority: ``old_la_code``,
  ``new_la_code``, ``la_name``; ward: also ``ward_code``, ``ward_name``; school:
  ``school_urn``, ``school_laestab``, ``school_name`` and the LA's columns), then the filters
  (the table's other dimensions, ``Total`` for their totals) and the indicators (its measure
  and derived columns). School-level rows are a file of their own (``<table>_school.csv``):
  the standard wants school-level data standalone, not mixed with other levels;
* the ``.meta.csv`` has one row per filter with two or more values and per indicator:
  ``col_name, col_type, label, indicator_grouping, indicator_unit, indicator_dp,
  filter_hint, filter_grouping_column``.

Every figure is a published cell of the release table, as text: the profile's suppression
symbol becomes the GSS symbol ``c``, ``z`` (not applicable) stays ``z``; nothing is
computed again, so nothing hidden in the release's CSVs is shown here. Codes stay the
release's codes (the manifest and the notes explain them). The files go in the release's
``open-data/`` folder (:data:`OPEN_DATA_FOLDER`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import polars as pl

from pipeline.release.context import ReleaseContext
from pipeline.release.describe import (
    LA_LEVEL,
    PERCENT_KINDS,
    SCHOOL_LEVEL,
    WARD_LEVEL,
    academic_year_of,
    time_period_code,
)
from pipeline.release.published import ReleaseTable
from pipeline.spreadsheet_cells import safe_csv

OPEN_DATA_FOLDER = "open-data"
SUPPRESSED, NOT_APPLICABLE, UNAVAILABLE = "c", "z", "x"
"""GSS symbols as the standard uses them: confidential, not applicable, unavailable."""
COUNTRY_CODE, COUNTRY_NAME = "E92000001", "England"
TIME_COLUMNS = ("time_period", "time_identifier")
COUNTRY_COLUMNS = ("geographic_level", "country_code", "country_name")
LA_COLUMNS = ("old_la_code", "new_la_code", "la_name")
LEVEL_COLUMNS = {
    LA_LEVEL: (),
    WARD_LEVEL: ("ward_code", "ward_name"),
    SCHOOL_LEVEL: ("school_urn", "school_laestab", "school_name"),
}
"""The columns each geographic level requires beyond the country's and the LA's."""
NAME_COLUMN = {WARD_LEVEL: "ward_name", SCHOOL_LEVEL: "school_name"}
"""The column naming a level's places, in EES and in a release table that labels them."""
META_COLUMNS = (
    "col_name",
    "col_type",
    "label",
    "indicator_grouping",
    "indicator_unit",
    "indicator_dp",
    "filter_hint",
    "filter_grouping_column",
)
SCHOOL_FILE_SUFFIX = "_school"
_NUMBER = re.compile(r"^-?[0-9]+(\.[0-9]+)?$")
_LEVEL = "__level"


def indicator_text(published: pl.Series, symbol: str) -> pl.Series:
    """Published cells as EES indicator values: numbers as published, ``symbol`` -> ``c``,
    ``z`` stays. Any other text is refused (``ValueError``): it is not a published figure."""
    mapped = published.cast(pl.Utf8).replace({symbol: SUPPRESSED})
    odd = [
        v
        for v in mapped.unique().to_list()
        if v not in (SUPPRESSED, NOT_APPLICABLE) and (v is None or not _NUMBER.match(v))
    ]
    if odd:
        raise ValueError(f"column {published.name!r}: not a figure or a symbol: {odd[:5]}")
    return mapped


def _time(table: ReleaseTable, context: ReleaseContext) -> list[pl.Expr]:
    period = table.period
    if period.column is not None:
        years = table.cells[period.column].unique().to_list()
        codes = {y: time_period_code(y) for y in years}
        time_period = pl.col(period.column).replace_strict(codes, return_dtype=pl.Utf8)
    else:
        year = period.academic_year or academic_year_of(context.reference_date)
        time_period = pl.lit(time_period_code(year))
    return [time_period.alias("time_period"), pl.lit(period.identifier).alias("time_identifier")]


def _own_names(table: ReleaseTable) -> list[str] | None:
    """The names of the table's places from its own label column (``ward_name``,
    ``school_name``), if it has one: every format then shows the same names."""
    column = NAME_COLUMN.get(table.geography.level) if table.geography else None
    if column is None or column not in table.cells.columns:
        return None
    return table.cells[column].cast(pl.Utf8).to_list()


def _places(table: ReleaseTable, context: ReleaseContext) -> pl.DataFrame:
    """Per row of ``table``: its level and the level's code and name columns, and the group
    filter (e.g. ``phase``) if the geography has one."""
    la = context.places.la
    geography = table.geography
    rows = table.cells.height
    base = {
        "country_code": [COUNTRY_CODE] * rows,
        "country_name": [COUNTRY_NAME] * rows,
        "old_la_code": [la.old_la_code] * rows,
        "new_la_code": [la.new_la_code] * rows,
        "la_name": [la.la_name] * rows,
    }
    if geography is None:
        return pl.DataFrame({_LEVEL: [LA_LEVEL] * rows, **base})
    dimension = next(d for d in table.dimensions if d.name == geography.column)
    has_children = set(dimension.parents.values())
    own_names = _own_names(table)
    levels, codes, names, urns, groups = [], [], [], [], []
    for row, code in enumerate(table.cells[geography.column].to_list()):
        place = code != dimension.total and code not in has_children
        levels.append(geography.level if place else LA_LEVEL)
        parent = dimension.parents.get(code, dimension.total)
        groups.append(parent if place else code)
        if not place:
            codes.append("")
            names.append("")
            urns.append("")
        elif geography.level == SCHOOL_LEVEL:
            school = context.places.school(code)
            codes.append(code)
            names.append(own_names[row] if own_names else school.name)
            urns.append(school.urn)
        else:
            codes.append(code)
            names.append(own_names[row] if own_names else context.places.ward_name(code))
            urns.append("")
    extra: dict[str, list[str]] = {}
    if geography.level == SCHOOL_LEVEL:
        extra = {"school_urn": urns, "school_laestab": codes, "school_name": names}
    elif geography.level == WARD_LEVEL:
        extra = {"ward_code": codes, "ward_name": names}
    else:
        raise ValueError(f"table {table.name!r}: no EES columns for level {geography.level!r}")
    if geography.group is not None:
        extra[geography.group] = groups
    elif len(has_children - {dimension.total}) > 0:
        raise ValueError(f"table {table.name!r}: {geography.column!r} has groups but no name")
    return pl.DataFrame({_LEVEL: levels, **base, **extra})


def _filters(table: ReleaseTable) -> list[str]:
    skip = {table.period.column, table.geography.column if table.geography else None}
    return [d.name for d in table.dimensions if d.name not in skip]


def _indicators(table: ReleaseTable) -> list[str]:
    return [table.measure, *(c.column for c in table.derived)]


def ees_frames(table: ReleaseTable, context: ReleaseContext) -> dict[str, pl.DataFrame]:
    """``table`` as EES data files, by file stem: ``<table>`` (the LA and any wards) and,
    when it has school rows, ``<table>_school`` (module docstring)."""
    cells = table.cells
    places = _places(table, context)
    group = [table.geography.group] if table.geography and table.geography.group else []
    filters = _filters(table)
    indicators = _indicators(table)
    frame = pl.concat(
        [
            cells.with_columns(*_time(table, context)).select(*TIME_COLUMNS),
            places,
            cells.select(
                *[pl.col(f) for f in filters],
                *[indicator_text(cells[i], context.symbol) for i in indicators],
            ),
        ],
        how="horizontal",
    ).rename({_LEVEL: "geographic_level"})
    level_columns = [c for lv in (WARD_LEVEL, SCHOOL_LEVEL) for c in LEVEL_COLUMNS[lv]]
    head = [*TIME_COLUMNS, *COUNTRY_COLUMNS, *LA_COLUMNS]
    tail = [*group, *filters, *indicators]
    at_school = pl.col("geographic_level") == SCHOOL_LEVEL
    frames = {}
    for stem, rows, wanted in (
        (table.name, frame.filter(~at_school), LEVEL_COLUMNS[WARD_LEVEL]),
        (table.name + SCHOOL_FILE_SUFFIX, frame.filter(at_school), LEVEL_COLUMNS[SCHOOL_LEVEL]),
    ):
        if not rows.is_empty():
            places_columns = [c for c in level_columns if c in wanted and c in frame.columns]
            frames[stem] = rows.select(*head, *places_columns, *tail)
    return frames


def _decimals(values: pl.Series) -> int:
    decimals = [len(v.partition(".")[2]) for v in values.to_list() if v and _NUMBER.match(v)]
    return max(decimals, default=0)


def filter_hint(title: str) -> str:
    """``Filter by`` and the column's title, its first word in lower case unless it is an
    acronym (``Filter by sex``, ``Filter by IDACI band``)."""
    first, _, rest = title.partition(" ")
    first = first if first.isupper() else first.lower()
    return f"Filter by {first} {rest}".rstrip()


def meta_frame(table: ReleaseTable, frame: pl.DataFrame) -> pl.DataFrame:
    """The ``.meta.csv`` of one EES data file of ``table``: its filters with two or more
    values, then its indicators, each with its label (the column's title)."""
    group = [table.geography.group] if table.geography and table.geography.group else []
    kinds = {c.column: c.kind for c in table.derived}
    rows = []
    for column in [*group, *_filters(table)]:
        if frame[column].n_unique() < 2:
            continue
        title = table.text_of(column).title
        rows.append([column, "Filter", title, "", "", "", filter_hint(title), ""])
    for column in _indicators(table):
        unit = "%" if kinds.get(column) in PERCENT_KINDS else ""
        decimals = str(_decimals(frame[column]))
        rows.append([column, "Indicator", table.text_of(column).title, "", unit, decimals, "", ""])
    return pl.DataFrame(rows, schema={c: pl.Utf8 for c in META_COLUMNS}, orient="row")


def _csv(frame: pl.DataFrame) -> bytes:
    """A frame as released CSV bytes: empty cells blank (not ``""``), no cell a spreadsheet
    would evaluate (``pipeline.spreadsheet_cells``)."""
    blank = frame.with_columns(pl.when(pl.col(pl.Utf8) != "").then(pl.col(pl.Utf8)))
    return safe_csv(blank).encode("utf-8")


def open_data_files(tables: Sequence[ReleaseTable], context: ReleaseContext) -> dict[str, bytes]:
    """Every EES data and metadata file of ``tables``, by path in the release folder."""
    files: dict[str, bytes] = {}
    for table in tables:
        for stem, frame in ees_frames(table, context).items():
            path = f"{OPEN_DATA_FOLDER}/{stem}"
            files[f"{path}.csv"] = _csv(frame)
            files[f"{path}.meta.csv"] = _csv(meta_frame(table, frame))
    return files
