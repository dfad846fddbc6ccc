"""The periods releases are made for, as a user names them: a census date or an academic year.

Checking a period needs no store and no statistics library, so the command line checks it
before any flow starts.
"""

from __future__ import annotations

import re
from datetime import date

from schema.errors import PupilstatsError

_ACADEMIC_YEAR = re.compile(r"^(\d{4})/(\d{2})$")


def census_date(text: str) -> str:
    """``text`` as an ISO census date (YYYY-MM-DD), or a clear error."""
    try:
        return date.fromisoformat(text).isoformat()
    except ValueError:
        raise PupilstatsError(f"census date {text!r} is not a date YYYY-MM-DD") from None


def academic_year_bounds(academic_year: str) -> tuple[date, date]:
    """First and last day (1 September - 31 August) of an academic year such as ``2025/26``."""
    match = _ACADEMIC_YEAR.match(academic_year)
    if not match or (int(match[1]) + 1) % 100 != int(match[2]):
        raise PupilstatsError(f"academic year {academic_year!r} is not of the form 2025/26")
    start = int(match[1])
    return date(start, 9, 1), date(start + 1, 8, 31)


def academic_year(text: str) -> str:
    """``text`` if it names an academic year such as ``2025/26``, else a clear error."""
    academic_year_bounds(text)
    return text


def academic_year_of(day: date) -> str:
    """The academic year (1 September - 31 August) ``day`` falls in, as table names write it:
    ``2025-26``."""
    start = day.year if day.month >= 9 else day.year - 1
    return f"{start}-{(start + 1) % 100:02d}"
