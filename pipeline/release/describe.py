"""The words a release table carries for its readers, and where and when its figures are.

A release package declares these beside its tables (``pipeline/releases/<release>/``) and
they travel on the published table (``pipeline.release.published.ReleaseTable``) to every
output: the manifest (titles, descriptions, value labels of codes), the EES open-data files
(``pipeline.release.open_data``: time and geography columns, ``.meta.csv`` labels) and the
spreadsheet (``pipeline.release.spreadsheet``). None of it is a figure: only text about the
columns and the codes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

ACADEMIC_YEAR = "Academic year"
AUTUMN_TERM = "Autumn term"
"""EES ``time_identifier`` values used here (docs/release-formats.md): a six-digit
``time_period`` such as ``202526`` for both."""

SCHOOL_LEVEL = "School"
WARD_LEVEL = "Ward"
LA_LEVEL = "Local authority"
"""EES ``geographic_level`` values used here (docs/release-formats.md)."""


@dataclass(frozen=True)
class ColumnText:
    """What a column holds, for a reader: a short title, a sentence, and what each code
    means (only where a reader needs it: ``G`` of the IDACI bands, ``R-6``, ``Y``/``N``)."""

    title: str
    description: str = ""
    values: Mapping[str, str] = field(default_factory=dict)
    """Code -> meaning."""


@dataclass(frozen=True)
class Period:
    """When a table's figures refer to, as EES names periods.

    Either ``column``: a dimension whose codes are academic years (``2025/26``; the release
    stacks several years), or one ``academic_year`` for the whole table; with neither, the
    academic year of the release's reference date."""

    identifier: str = ACADEMIC_YEAR
    column: str | None = None
    academic_year: str | None = None


@dataclass(frozen=True)
class Geography:
    """Which dimension of a table is its geography: its total code is the local authority,
    the codes with no children are places of ``level`` (schools by LAESTAB, wards by ONS
    code), and any codes in between (e.g. school phases) are groups of those places, named
    in a filter column ``group``."""

    column: str
    level: str
    group: str | None = None


STANDARD_DERIVED_TEXT: Mapping[str, ColumnText] = {
    "percentage": ColumnText(
        "Percentage (%)",
        "The published count as a percentage of the published count of its category total "
        "(the denominator), one decimal place; computed from the published figures only.",
    ),
    "ci_lower": ColumnText(
        "95% confidence interval, lower bound (%)",
        "Lower end of the 95% Wilson score interval of the percentage, from the published "
        "figures only.",
    ),
    "ci_upper": ColumnText(
        "95% confidence interval, upper bound (%)",
        "Upper end of the 95% Wilson score interval of the percentage, from the published "
        "figures only.",
    ),
}
"""Text of the derived columns every release computes the same way
(``pipeline.release.rates``), by column kind."""

PERCENT_KINDS = frozenset({"percentage", "ci_lower", "ci_upper", "rate"})
"""Derived column kinds measured in per cent (EES ``indicator_unit`` ``%``)."""


def academic_year_of(day: date) -> str:
    """The academic year (1 September to 31 August) ``day`` falls in, as ``2025/26``."""
    start = day.year if day.month >= 9 else day.year - 1
    return f"{start}/{(start + 1) % 100:02d}"


def time_period_code(academic_year: str) -> str:
    """EES ``time_period`` of an academic year: ``2025/26`` (or ``2025-26``) -> ``202526``."""
    start, _, end = academic_year.replace("-", "/").partition("/")
    if len(start) != 4 or len(end) != 2 or not (start + end).isdigit():
        raise ValueError(f"not an academic year: {academic_year!r}")
    if (int(start) + 1) % 100 != int(end):
        raise ValueError(f"not consecutive years: {academic_year!r}")
    return start + end
