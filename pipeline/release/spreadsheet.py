"""A release as one accessible spreadsheet, following the GSS guidance on releasing
statistics in spreadsheets (docs/release-formats.md), built with ``gptables``.

The workbook has a cover sheet (the release, its reference date, who is counted, the
symbols), a contents sheet, a notes sheet (who is counted, the symbols, the rules, what
each code means) and one table per sheet (``Table_1``, ...) with its title in cell A1, its
description and note markers under it, a legend of the symbols and the table itself, marked
as an Excel table; a school's or ward's name stands beside its code. Figures are stored as
numbers; a suppressed cell holds the GSS shorthand ``[c]`` and a not-applicable one
``[z]``, in square brackets as the guidance asks so that they are never read as figures.
Codes (LAESTAB, school year ``6``, ``R-6``) stay text.

Every figure is a published cell of the release's tables, converted from its text: nothing
is computed again. Text is written as text, never as a formula: the workbook is opened with
xlsxwriter's ``strings_to_formulas``, ``strings_to_urls`` and ``strings_to_numbers`` off,
so a cell such as ``=1+1`` would be the string it is. The bytes depend only on the cells
and the context: the workbook's created date is the reference date, and xlsxwriter writes
its zip entries with a fixed timestamp, so an unchanged re-run writes the same bytes.
"""

from __future__ import annotations

import io
import re
import warnings
from collections.abc import Sequence
from datetime import UTC, datetime

import gptables
import pandas as pd

from pipeline.release.context import ReleaseContext
from pipeline.release.describe import SCHOOL_LEVEL, WARD_LEVEL
from pipeline.release.published import ReleaseTable
from pipeline.release.sheet_text import check_sheet_text

SPREADSHEET_FILE = "release.xlsx"
SUPPRESSED, NOT_APPLICABLE = "[c]", "[z]"
"""GSS shorthand in spreadsheet cells: confidential, not applicable."""
WORKBOOK_OPTIONS = {
    "strings_to_formulas": False,
    "strings_to_urls": False,
    "strings_to_numbers": False,
    "in_memory": True,
}
NAME_COLUMNS = {
    SCHOOL_LEVEL: ("school_name", "School name"),
    WARD_LEVEL: ("ward_name", "Ward name"),
}
"""The column naming a table's places, by geographic level: its name and heading."""
_INTEGER = re.compile(r"^-?[0-9]+$")
_DECIMAL = re.compile(r"^-?[0-9]+\.[0-9]+$")


def sheet_name(index: int) -> str:
    """The worksheet of the ``index``-th table (from 1): ``Table_1``."""
    return f"Table_{index}"


def figure(text: str, symbol: str) -> int | float | str:
    """A published cell as the spreadsheet stores it: a number, or the GSS shorthand.
    Any other text is refused (``ValueError``): it is not a published figure."""
    if _INTEGER.match(text):
        return int(text)
    if _DECIMAL.match(text):
        return float(text)
    if text == symbol:
        return SUPPRESSED
    if text == "z":
        return NOT_APPLICABLE
    raise ValueError(f"not a figure or a symbol: {text!r}")


def _headings(table: ReleaseTable) -> list[str]:
    """Column headings: each column's title, made unique by its name where two agree."""
    titles = [table.text_of(c).title for c in table.columns]
    return [
        t if titles.count(t) == 1 else f"{t} ({c})"
        for t, c in zip(titles, table.columns, strict=True)
    ]


def _place_names(table: ReleaseTable, context: ReleaseContext) -> tuple[str, list[str]] | None:
    """The heading and values of a column naming the places of ``table``'s geography (the
    school's name beside its LAESTAB, the ward's beside its code; a total or a group its
    meaning), unless the table already has such a column."""
    geography = table.geography
    if geography is None or geography.level not in NAME_COLUMNS:
        return None
    column, heading = NAME_COLUMNS[geography.level]
    if column in table.columns:
        return None
    meanings = table.text_of(geography.column).values
    dimension = next(d for d in table.dimensions if d.name == geography.column)
    groups = set(dimension.parents.values())
    names = []
    for code in table.cells[geography.column].cast(str).to_list():
        if code == dimension.total or code in groups:
            names.append(meanings.get(code, code))
        elif geography.level == SCHOOL_LEVEL:
            names.append(context.places.school(code).name)
        else:
            names.append(context.places.ward_name(code))
    return heading, names


def table_frame(table: ReleaseTable, context: ReleaseContext) -> pd.DataFrame:
    """The table as the sheet shows it: codes as text (the places' names beside their
    codes), figures as numbers or shorthand. A code or name gptables would read as its own
    markup is refused (``pipeline.release.sheet_text``)."""
    figures = {table.measure, *(c.column for c in table.derived)}
    names = _place_names(table, context)
    data = {}
    for column, heading in zip(table.columns, _headings(table), strict=True):
        values = table.cells[column].cast(str).to_list()
        if column not in figures:
            check_sheet_text(table.name, column, values)
        data[heading] = [figure(v, context.symbol) for v in values] if column in figures else values
        if names is not None and table.geography and column == table.geography.column:
            check_sheet_text(table.name, names[0], names[1])
            data[names[0]] = names[1]
    return pd.DataFrame(data, dtype=object)


def column_widths(frame: pd.DataFrame) -> list[float]:
    """Column widths (characters) that fit each column's heading and longest value, within
    bounds; gptables' own measure looks at every cell through pandas and is slow on the
    large performance tables."""
    widths = []
    for heading in frame.columns:
        longest = frame[heading].astype(str).str.len().max()
        widths.append(float(min(max(len(str(heading)) * 0.6, longest or 0, 8) + 2, 60)))
    return widths


def _code_notes(tables: Sequence[ReleaseTable]) -> dict[str, str]:
    """One note per column whose codes the tables explain: ``codes_<column>`` -> text."""
    notes: dict[str, str] = {}
    for table in tables:
        for column in table.columns:
            text = table.text_of(column)
            key = f"codes_{column}"
            if text.values and key not in notes:
                meanings = "; ".join(f"{code}: {meaning}" for code, meaning in text.values.items())
                notes[key] = f"{text.title}: {meanings}."
    return notes


def _notes(tables: Sequence[ReleaseTable], context: ReleaseContext) -> dict[str, str]:
    notes = {
        "population": context.about or "See the release's README.md for who is counted.",
        "symbols": (
            f"{SUPPRESSED} confidential: the figure is suppressed to protect individuals (it "
            f"is shown as {context.symbol} in the release's CSV files and as c in its "
            f"open-data files). {NOT_APPLICABLE} not applicable (for example a percentage of "
            "an empty group). Percentages and intervals are computed from the published "
            "figures only."
        ),
    }
    for number, rule in enumerate(context.rules, start=1):
        notes[f"rule_{number}"] = rule
    notes.update(_code_notes(tables))
    return notes


def decimal_formats(table: ReleaseTable) -> list[dict[str, object]]:
    """gptables column formats showing each decimal figure column with as many decimals as
    it is published with (``76.0`` stays ``76.0``, not ``76``)."""
    headings = dict(zip(table.columns, _headings(table), strict=True))
    formats: list[dict[str, object]] = []
    for column in [table.measure, *(c.column for c in table.derived)]:
        texts = table.cells[column].cast(str).to_list()
        decimals = max((len(t.partition(".")[2]) for t in texts if _DECIMAL.match(t)), default=0)
        if decimals:
            formats.append(
                {
                    "column": {
                        "columns": [headings[column]],
                        "format": {"num_format": "0." + "0" * decimals},
                        "include_names": False,
                    }
                }
            )
    return formats


def _gptable(table: ReleaseTable, context: ReleaseContext, notes: dict[str, str]) -> object:
    references = ["population", "symbols"] + [
        f"codes_{c}" for c in table.columns if f"codes_{c}" in notes
    ]
    markers = "".join(f"$${r}$$" for r in references)
    return gptables.GPTable(
        table=table_frame(table, context),
        table_name=table.name,
        title=table.title or table.name,
        subtitles=[
            table.description or table.title or table.name,
            f"Reference date: {context.reference_date.isoformat()}. See notes{markers}",
        ],
        legend=[
            f"{SUPPRESSED} = confidential (suppressed)",
            f"{NOT_APPLICABLE} = not applicable",
        ],
        source=f"{context.places.la.la_name}: {context.title}",
        instructions="This worksheet contains one table. Some cells refer to notes.",
        index_columns={},
        additional_formatting=decimal_formats(table),
    )


def spreadsheet_bytes(tables: Sequence[ReleaseTable], context: ReleaseContext) -> bytes:
    """The release's workbook (module docstring), as bytes."""
    notes = _notes(tables, context)
    sheets = {sheet_name(i): _gptable(t, context, notes) for i, t in enumerate(tables, start=1)}
    cover = gptables.Cover(
        title=context.title,
        intro=[
            f"{context.places.la.la_name}. Reference date: {context.reference_date.isoformat()}.",
            "Every figure here is a published figure of the release's CSV files; the same "
            "figures are in its EES open-data files (folder open-data).",
        ],
        about=[
            [{"bold": True}, "Who is counted"],
            context.about or "See the release's README.md.",
            [{"bold": True}, "Symbols"],
            f"{SUPPRESSED} confidential: suppressed to protect individuals.",
            f"{NOT_APPLICABLE} not applicable.",
            [{"bold": True}, "Notes"],
            "Note markers such as [note 1] refer to the Notes worksheet.",
        ],
    )
    notes_table = pd.DataFrame(
        {"Note reference": list(notes), "Note text": list(notes.values())}, dtype=object
    )
    buffer = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        workbook = gptables.produce_workbook(
            filename=buffer,
            sheets=sheets,
            cover=cover,
            notes_table=notes_table,
            auto_width={name: False for name in sheets},
            workbook_options=dict(WORKBOOK_OPTIONS),
        )
        for name, sheet in sheets.items():
            widths = column_widths(sheet.table)
            worksheet = workbook.get_worksheet_by_name(name)
            for index, width in enumerate(widths):
                worksheet.set_column(index, index, width)
        created = datetime.combine(context.reference_date, datetime.min.time(), tzinfo=UTC)
        workbook.set_properties(
            {"title": context.title, "author": context.places.la.la_name, "created": created}
        )
        workbook.close()
    return buffer.getvalue()
