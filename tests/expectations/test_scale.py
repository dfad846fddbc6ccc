"""A borough-sized census (48,000 rows) validates in seconds and finds each planted defect."""

from __future__ import annotations

import datetime as dt
import time

import polars as pl

from expectations.run import validate
from tests.expectations.frames import assert_counts_add_up, borough_census, wrong_check_letter

PLANTED = {
    100: ("sex", pl.lit("X"), "code_not_in_set"),
    2_000: ("idaci_score", pl.lit(1.5), "out_of_range"),
    30_000: ("date_of_birth", pl.lit(dt.date(2000, 1, 1)), "dob_nc_year_mismatch"),
    47_000: ("ethnicity", pl.lit(None, pl.Utf8), "missing_required"),
}


def test_borough_census_validates_in_seconds() -> None:
    frame = borough_census(48_000)
    for line, (column, value, _) in PLANTED.items():
        frame = frame.with_columns(
            pl.when(pl.col("_line") == line).then(value).otherwise(pl.col(column)).alias(column)
        )
    bad_upn = wrong_check_letter(frame.filter(pl.col("_line") == 40_000)["upn"].item())
    frame = frame.with_columns(
        pl.when(pl.col("_line") == 40_000).then(pl.lit(bad_upn)).otherwise("upn").alias("upn")
    )
    started = time.perf_counter()
    outcome = validate(frame, "census")
    elapsed = time.perf_counter() - started
    found = dict(outcome.quarantined.select("_line", "expectation").iter_rows())
    assert found == {line: reason for line, (_, _, reason) in PLANTED.items()} | {
        40_000: "upn_check_letter"
    }
    assert outcome.ok
    assert_counts_add_up(outcome, frame)
    assert elapsed < 10, f"48,000-row census took {elapsed:.1f} s"
