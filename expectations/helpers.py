"""Helper columns derived in polars for checks that span columns or other data.

GX's standard expectations compare columns pairwise, so a rule like "age on 31 August
matches the NC year" becomes two derived columns validated with
``expect_column_pair_values_to_be_equal``. Helper columns start with ``_chk_`` and are
dropped from the accepted rows.
"""

from __future__ import annotations

import polars as pl

from expectations.nc_year import age_of_nc_year, age_on_31_august
from expectations.referential import on_census

HELPER_PREFIX = "_chk_"
AGE_ON_31_AUGUST = f"{HELPER_PREFIX}age_on_31_august"
"""Census: age on the 31 August before the census date, from the date of birth."""
AGE_OF_NC_YEAR = f"{HELPER_PREFIX}age_of_nc_year"
"""Census: the age the pupil's NC year implies."""
ABSENCE_SESSIONS = f"{HELPER_PREFIX}absence_sessions"
"""Absence: authorised plus unauthorised absence sessions."""
ON_CENSUS = f"{HELPER_PREFIX}on_census"
"""Results, absence, NCMP, consent: the UPN is on a stored census."""
CENSUS_DATE_TEXT = f"{HELPER_PREFIX}census_date"
"""Census: the census date as ``YYYY-MM-DD`` text, compared with the run's census date."""
KS2_SUBJECTS: tuple[str, ...] = ("reading", "maths")
"""KS2 tests reported as a scaled score or a non-score code."""


def ks2_outcomes(subject: str) -> str:
    """KS2: how many of the subject's scaled score and non-score code are filled (0-2)."""
    return f"{HELPER_PREFIX}{subject}_outcomes"


def _has(frame: pl.DataFrame, *columns: str) -> bool:
    return all(c in frame.columns for c in columns)


def add_helper_columns(
    frame: pl.DataFrame, input_name: str, census_upns: pl.Series | None
) -> pl.DataFrame:
    """``frame`` plus the helper columns its input's suite needs (null if a source is absent)."""
    helpers: list[pl.Expr] = []
    if input_name == "census":
        if _has(frame, "date_of_birth", "census_date", "nc_year"):
            helpers.append(
                age_on_31_august(pl.col("date_of_birth"), pl.col("census_date")).alias(
                    AGE_ON_31_AUGUST
                )
            )
            helpers.append(age_of_nc_year(pl.col("nc_year")).alias(AGE_OF_NC_YEAR))
        else:
            helpers += [pl.lit(None, pl.Int64).alias(c) for c in (AGE_ON_31_AUGUST, AGE_OF_NC_YEAR)]
    if input_name == "census":
        helpers.append(_text_or_null(frame, "census_date").alias(CENSUS_DATE_TEXT))
    if input_name == "ks2":
        for subject in KS2_SUBJECTS:
            score, code = f"{subject}_score", f"{subject}_code"
            filled = (
                pl.col(score).is_not_null().cast(pl.Int64)
                + pl.col(code).is_not_null().cast(pl.Int64)
                if _has(frame, score, code)
                else pl.lit(None, pl.Int64)
            )
            helpers.append(filled.alias(ks2_outcomes(subject)))
    if input_name == "absence":
        total = (
            pl.col("authorised_absence") + pl.col("unauthorised_absence")
            if _has(frame, "authorised_absence", "unauthorised_absence")
            else pl.lit(None, pl.Int64)
        )
        helpers.append(total.alias(ABSENCE_SESSIONS))
    if census_upns is not None and "upn" in frame.columns:
        helpers.append(on_census(pl.col("upn"), census_upns).alias(ON_CENSUS))
    return frame.with_columns(helpers) if helpers else frame


def _text_or_null(frame: pl.DataFrame, column: str) -> pl.Expr:
    if column not in frame.columns:
        return pl.lit(None, pl.Utf8)
    return pl.col(column).dt.strftime("%Y-%m-%d")


def without_helpers(frame: pl.DataFrame) -> pl.DataFrame:
    """``frame`` without the helper columns."""
    return frame.select(c for c in frame.columns if not c.startswith(HELPER_PREFIX))
