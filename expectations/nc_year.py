"""Age for a National Curriculum year: the rule behind ``dob_nc_year_mismatch``.

A pupil's NC year follows from their age on the 31 August before the start of the
academic year: a child aged 4 on that day is in Reception, aged N + 4 in Year N (so Year 6
is 10, Year 11 is 15, Year 13 is 17). For a census, the reference day is the last 31 August
on or before the census date minus one day, i.e. of the academic year the census falls in.
"""

from __future__ import annotations

import polars as pl

from schema import codes

RECEPTION_AGE = 4
"""Age on 31 August of a pupil starting Reception."""

AGE_OF_NC_YEAR: dict[str, int] = {
    year: RECEPTION_AGE if year == "R" else int(year) + RECEPTION_AGE for year in codes.NC_YEARS
}
"""Age on the 31 August before the academic year, for each NC year (R = 4, Year N = N + 4)."""


def academic_year_start(census_date: pl.Expr) -> pl.Expr:
    """Calendar year of the 31 August before ``census_date`` (September starts a year)."""
    year = census_date.dt.year()
    return pl.when(census_date.dt.month() >= 9).then(year).otherwise(year - 1)


def age_on_31_august(date_of_birth: pl.Expr, census_date: pl.Expr) -> pl.Expr:
    """Whole years of age on the 31 August before ``census_date`` (null if either is)."""
    born_after_august = (date_of_birth.dt.month() >= 9).cast(pl.Int64)
    return (
        academic_year_start(census_date).cast(pl.Int64)
        - date_of_birth.dt.year().cast(pl.Int64)
        - born_after_august
    )


def age_of_nc_year(nc_year: pl.Expr) -> pl.Expr:
    """Expected age on 31 August for an NC year code (null when the code is not an NC year)."""
    return nc_year.replace_strict(AGE_OF_NC_YEAR, default=None, return_dtype=pl.Int64)
