"""Age on 31 August and the age each NC year implies."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from expectations.nc_year import AGE_OF_NC_YEAR, age_of_nc_year, age_on_31_august
from schema import codes


def age(born: dt.date, census: dt.date) -> int | None:
    frame = pl.DataFrame({"dob": [born], "census": [census]})
    return frame.select(age_on_31_august(pl.col("dob"), pl.col("census"))).item()


@pytest.mark.parametrize(
    ("born", "census", "expected"),
    [
        (dt.date(2020, 9, 1), dt.date(2025, 10, 2), 4),
        (dt.date(2021, 8, 31), dt.date(2025, 10, 2), 4),
        (dt.date(2021, 9, 1), dt.date(2025, 10, 2), 3),
        (dt.date(2020, 9, 1), dt.date(2026, 1, 15), 4),  # spring census: same academic year
        (dt.date(2020, 9, 1), dt.date(2026, 5, 21), 4),  # summer census
        (dt.date(2020, 9, 1), dt.date(2026, 9, 1), 5),  # next academic year
    ],
)
def test_age_on_the_31_august_before_the_census(
    born: dt.date, census: dt.date, expected: int
) -> None:
    assert age(born, census) == expected


@given(
    born=st.dates(dt.date(1990, 1, 1), dt.date(2030, 12, 31)),
    census=st.dates(dt.date(2000, 1, 1), dt.date(2040, 12, 31)),
)
def test_age_matches_a_calendar_calculation(born: dt.date, census: dt.date) -> None:
    reference = dt.date(census.year if census.month >= 9 else census.year - 1, 8, 31)
    whole_years = (
        reference.year - born.year - ((reference.month, reference.day) < (born.month, born.day))
    )
    assert age(born, census) == whole_years


def test_age_of_each_nc_year() -> None:
    assert AGE_OF_NC_YEAR["R"] == 4
    assert AGE_OF_NC_YEAR["1"] == 5
    assert AGE_OF_NC_YEAR["6"] == 10
    assert AGE_OF_NC_YEAR["11"] == 15
    assert AGE_OF_NC_YEAR["13"] == 17
    assert set(AGE_OF_NC_YEAR) == set(codes.NC_YEARS)


def test_unknown_nc_year_has_no_age() -> None:
    frame = pl.DataFrame({"nc_year": ["R", "14", None]})
    assert frame.select(age_of_nc_year(pl.col("nc_year"))).to_series().to_list() == [4, None, None]
