"""Batch-level failures: the whole file is rejected, and why is listed."""

from __future__ import annotations

import polars as pl
import pytest

from expectations.run import validate
from tests.expectations.frames import (
    assert_counts_add_up,
    census_row,
    ks2_row,
    typed_frame,
)


def census(n: int, bad: int) -> pl.DataFrame:
    """``n`` census rows of which the first ``bad`` have an unknown sex code."""
    return typed_frame(
        "census", [census_row(s, sex="X" if s <= bad else "M") for s in range(1, n + 1)]
    )


def test_bad_share_above_the_limit_fails_the_batch() -> None:
    frame = census(10, bad=2)
    outcome = validate(frame, "census", max_bad_share=0.1)
    assert not outcome.ok
    assert outcome.batch_failures == [
        "2 of 10 rows (20.0%) failed a check, more than the limit of 10%"
    ]
    assert outcome.quarantined["_line"].to_list() == [2, 3]
    assert_counts_add_up(outcome, frame)


def test_bad_share_at_the_limit_passes() -> None:
    outcome = validate(census(10, bad=1), "census", max_bad_share=0.1)
    assert outcome.ok
    assert outcome.statistics["rows_quarantined"] == 1


def test_required_column_missing_from_the_frame_fails_the_batch() -> None:
    frame = typed_frame("census", [census_row(1), census_row(2)]).drop("nc_year")
    outcome = validate(frame, "census")
    assert outcome.batch_failures == ["required column 'nc_year' is missing"]
    assert_counts_add_up(outcome, frame)


def test_missing_optional_column_is_treated_as_blank() -> None:
    frame = typed_frame("ks2", [ks2_row(1), ks2_row(2)]).drop("reading_code")
    outcome = validate(frame, "ks2")
    assert outcome.ok
    assert outcome.accepted["reading_code"].is_null().all()


def test_required_column_blank_on_every_row_fails_the_batch() -> None:
    frame = typed_frame("census", [census_row(s, ethnicity=None) for s in range(1, 4)])
    outcome = validate(frame, "census", max_bad_share=1.0)
    assert outcome.batch_failures == ["required column 'ethnicity' is blank on every row"]
    assert outcome.statistics["quarantined_by_reason"] == {"missing_required": 3}
    assert outcome.accepted.is_empty()


def test_frame_without_line_numbers_is_a_caller_error() -> None:
    frame = typed_frame("census", [census_row(1)]).drop("_line")
    with pytest.raises(ValueError, match="_line"):
        validate(frame, "census")


def test_repeated_line_numbers_are_a_caller_error() -> None:
    frame = typed_frame("census", [census_row(1), census_row(2)])
    frame = frame.with_columns(pl.lit(2, pl.Int64).alias("_line"))
    with pytest.raises(ValueError, match="unique"):
        validate(frame, "census")


def test_untyped_columns_are_a_caller_error() -> None:
    frame = typed_frame("census", [census_row(1)])
    frame = frame.with_columns(pl.col("date_of_birth").cast(pl.Utf8))
    with pytest.raises(ValueError, match="date_of_birth"):
        validate(frame, "census")


def test_unknown_input_is_a_caller_error() -> None:
    with pytest.raises(ValueError, match="unknown input"):
        validate(typed_frame("census", [census_row(1)]), "pupils")
