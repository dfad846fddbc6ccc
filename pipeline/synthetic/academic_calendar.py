"""Dates of the synthetic borough's school year: the age reference date, the academic year
label and the birth window of each National Curriculum year.

A pupil's NC year follows from their age on the 31 August before the census date
(Reception = 4, Year N = N + 4). Dates are handled as numpy ``datetime64[D]`` arrays so
that whole cohorts are drawn at once.
"""

from __future__ import annotations

from datetime import date

import numpy as np

from schema import codes

RECEPTION_AGE = 4
"""Age on 31 August of a Reception pupil; Year N pupils are N + 4."""


def august_31_before(census_date: date) -> date:
    """The 31 August that starts the academic year of ``census_date``."""
    year = census_date.year if census_date.month >= 9 else census_date.year - 1
    return date(year, 8, 31)


def academic_year_label(census_date: date) -> str:
    """The academic year of ``census_date`` written as results files do, e.g. ``2025/26``."""
    start = august_31_before(census_date).year
    return f"{start}/{(start + 1) % 100:02d}"


def birth_window(nc_index: int, census_date: date) -> tuple[np.datetime64, np.datetime64]:
    """First and last date of birth (inclusive) of a pupil in NC year ``nc_index``."""
    reference = august_31_before(census_date)
    age = RECEPTION_AGE + nc_index
    first = np.datetime64(date(reference.year - age - 1, 9, 1), "D")
    last = np.datetime64(date(reference.year - age, 8, 31), "D")
    return first, last


def draw_dates_of_birth(
    rng: np.random.Generator, nc_index: np.ndarray, census_date: date
) -> np.ndarray:
    """One date of birth per pupil, uniform over the birth window of their NC year."""
    firsts = np.empty(len(codes.NC_YEARS), dtype="datetime64[D]")
    spans = np.empty(len(codes.NC_YEARS), dtype=np.int64)
    for i in range(len(codes.NC_YEARS)):
        first, last = birth_window(i, census_date)
        firsts[i] = first
        spans[i] = (last - first).astype(np.int64) + 1
    offsets = np.floor(rng.random(nc_index.size) * spans[nc_index]).astype(np.int64)
    return firsts[nc_index] + offsets.astype("timedelta64[D]")


def year_month_day(days: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Calendar year, month (1-12) and day (1-31) of ``datetime64[D]`` values."""
    months = days.astype("datetime64[M]")
    year = months.astype("datetime64[Y]").astype(np.int64) + 1970
    month = months.astype(np.int64) % 12 + 1
    day = (days - months.astype("datetime64[D]")).astype(np.int64) + 1
    return year, month, day


def age_on(dates_of_birth: np.ndarray, on: date) -> np.ndarray:
    """Age in whole years on ``on`` of each ``datetime64[D]`` date of birth."""
    year, month, day = year_month_day(dates_of_birth)
    before_birthday = (on.month < month) | ((on.month == month) & (on.day < day))
    return on.year - year - before_birthday.astype(np.int64)


def add_years(days: np.ndarray, years: int) -> np.ndarray:
    """``days`` moved by whole calendar years (29 February becomes 28 February)."""
    year, month, day = year_month_day(days)
    day = np.where((month == 2) & (day == 29), 28, day)
    starts = (year + years - 1970).astype("datetime64[Y]").astype("datetime64[M]")
    return (starts + (month - 1)).astype("datetime64[D]") + (day - 1)
