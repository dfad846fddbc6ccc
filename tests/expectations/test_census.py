"""The census suite: each kind of defect is quarantined with its reason and line."""

from __future__ import annotations

import datetime as dt
from typing import Any

import polars as pl
import pytest

from expectations.run import validate
from schema.inputs import CENSUS
from tests.expectations.frames import (
    assert_counts_add_up,
    census_row,
    make_upn,
    reasons_by_line,
    typed_frame,
    wrong_check_letter,
)

CLEAN_ROWS = 6


def census_with(defect: dict[str, Any]) -> pl.DataFrame:
    """Six clean pupils (lines 2-7) and one more (line 8) carrying ``defect``."""
    rows = [census_row(serial) for serial in range(1, CLEAN_ROWS + 1)]
    rows.append(census_row(CLEAN_ROWS + 1, **defect))
    return typed_frame("census", rows)


def test_clean_census_is_accepted_whole() -> None:
    frame = typed_frame("census", [census_row(s) for s in range(1, 11)])
    outcome = validate(frame, "census", file="census.csv")
    assert outcome.ok
    assert outcome.quarantined.is_empty()
    assert outcome.accepted.equals(frame)
    assert outcome.statistics["quarantined_by_reason"] == {}
    assert outcome.statistics["file"] == "census.csv"
    assert_counts_add_up(outcome, frame)


@pytest.mark.parametrize(
    ("defect", "reason", "field", "value"),
    [
        ({"sex": None}, "missing_required", "sex", None),
        ({"date_of_birth": None}, "missing_required", "date_of_birth", None),
        ({"fsm_eligible": None}, "missing_required", "fsm_eligible", None),
        ({"ethnicity": "WBRX"}, "code_not_in_set", "ethnicity", "WBRX"),
        ({"nc_year": "14"}, "code_not_in_set", "nc_year", "14"),
        ({"sex": "m"}, "code_not_in_set", "sex", "m"),
        ({"idaci_score": 1.25}, "out_of_range", "idaci_score", "1.25"),
        ({"idaci_score": -0.1}, "out_of_range", "idaci_score", "-0.1"),
        ({"upn": make_upn(7)[:12]}, "upn_malformed", "upn", make_upn(7)[:12]),
        ({"upn": make_upn(7).lower()}, "upn_malformed", "upn", make_upn(7).lower()),
        ({"upn": wrong_check_letter(make_upn(7))}, "upn_check_letter", "upn", None),
        ({"upn": make_upn(7, la=999)}, "upn_check_letter", "upn", make_upn(7, la=999)),
        (
            {"date_of_birth": dt.date(2016, 9, 1)},
            "dob_nc_year_mismatch",
            "date_of_birth, nc_year, census_date",
            "2016-09-01, 5, 2025-10-02",
        ),
    ],
)
def test_each_defect_is_quarantined_with_its_reason_and_line(
    defect: dict[str, Any], reason: str, field: str, value: str | None
) -> None:
    frame = census_with(defect)
    outcome = validate(frame, "census", max_bad_share=0.5)
    assert outcome.quarantined.select("_line", "field", "expectation").rows() == [
        (CLEAN_ROWS + 2, field, reason)
    ]
    if value is not None:
        assert outcome.quarantined["value"].to_list() == [value]
    assert outcome.accepted["_line"].to_list() == list(range(2, CLEAN_ROWS + 2))
    assert outcome.statistics["quarantined_by_reason"] == {reason: 1}
    assert outcome.ok
    assert_counts_add_up(outcome, frame)


def test_quarantine_names_the_upn_and_keeps_values_as_text() -> None:
    frame = census_with({"idaci_score": 2.0})
    row = validate(frame, "census", max_bad_share=0.5).quarantined.row(0, named=True)
    assert row == {
        "_line": 8,
        "upn": make_upn(7),
        "field": "idaci_score",
        "value": "2.0",
        "expectation": "out_of_range",
    }


def test_every_copy_of_a_duplicated_upn_is_quarantined() -> None:
    rows = [census_row(s) for s in range(1, 6)]
    rows[3] = census_row(1, laestab="3592002")
    rows.append(census_row(1, enrolment_status="M", laestab="3592003"))
    frame = typed_frame("census", rows)
    outcome = validate(frame, "census", max_bad_share=0.9)
    duplicates = outcome.quarantined.filter(pl.col("expectation") == "duplicate_upn")
    assert sorted(duplicates["_line"].to_list()) == [2, 5, 7]
    assert set(duplicates["upn"].to_list()) == {make_upn(1)}
    assert outcome.accepted["_line"].to_list() == [3, 4, 6]
    assert_counts_add_up(outcome, frame)


def test_subsidiary_dual_registration_is_not_a_duplicate() -> None:
    rows = [
        census_row(1, enrolment_status="M"),
        census_row(1, enrolment_status="S", laestab="3592002"),
        census_row(2),
    ]
    frame = typed_frame("census", rows)
    outcome = validate(frame, "census")
    assert outcome.quarantined.is_empty()
    assert outcome.accepted.height == 3


def test_same_upn_in_two_census_dates_is_not_a_duplicate() -> None:
    rows = [census_row(1), census_row(1, census_date=dt.date(2026, 1, 15))]
    outcome = validate(typed_frame("census", rows), "census")
    assert outcome.quarantined.is_empty()


def test_exact_duplicate_row_fails_key_and_upn_uniqueness_but_counts_once() -> None:
    frame = typed_frame("census", [census_row(1), census_row(1), census_row(2)])
    outcome = validate(frame, "census", max_bad_share=1.0)
    assert reasons_by_line(outcome) == {
        2: {"duplicate_key", "duplicate_upn"},
        3: {"duplicate_key", "duplicate_upn"},
    }
    assert outcome.statistics["rows_quarantined"] == 2
    assert outcome.statistics["quarantine_entries"] == 4
    assert outcome.statistics["quarantined_by_reason"] == {"duplicate_key": 2, "duplicate_upn": 2}
    assert_counts_add_up(outcome, frame)


def test_row_with_several_defects_appears_once_per_defect() -> None:
    frame = census_with({"sex": "X", "ethnicity": None, "idaci_score": 7.0})
    outcome = validate(frame, "census", max_bad_share=0.5)
    assert reasons_by_line(outcome) == {8: {"code_not_in_set", "missing_required", "out_of_range"}}
    assert outcome.quarantined.height == 3
    assert outcome.accepted.height == CLEAN_ROWS
    assert_counts_add_up(outcome, frame)


def test_malformed_upn_is_not_also_reported_as_a_bad_check_letter() -> None:
    frame = census_with({"upn": "B80120000500"})
    outcome = validate(frame, "census", max_bad_share=0.5)
    assert outcome.quarantined["expectation"].to_list() == ["upn_malformed"]


@pytest.mark.parametrize(
    ("nc_year", "born"),
    [
        ("R", dt.date(2020, 9, 1)),  # oldest in Reception: 4 on 31 August 2025
        ("R", dt.date(2021, 8, 31)),  # youngest in Reception
        ("6", dt.date(2014, 9, 1)),
        ("11", dt.date(2010, 8, 31)),
        ("13", dt.date(2007, 9, 1)),
    ],
)
def test_dob_at_the_edges_of_the_nc_year_is_accepted(nc_year: str, born: dt.date) -> None:
    frame = typed_frame("census", [census_row(1, nc_year=nc_year, date_of_birth=born)])
    assert validate(frame, "census").accepted.height == 1


@pytest.mark.parametrize(
    ("nc_year", "born"),
    [("R", dt.date(2021, 9, 1)), ("R", dt.date(2020, 8, 31)), ("6", dt.date(2014, 8, 31))],
)
def test_dob_a_day_outside_the_nc_year_is_quarantined(nc_year: str, born: dt.date) -> None:
    frame = typed_frame("census", [census_row(1, nc_year=nc_year, date_of_birth=born)])
    outcome = validate(frame, "census", max_bad_share=1.0)
    assert outcome.quarantined["expectation"].to_list() == ["dob_nc_year_mismatch"]


def test_spring_census_uses_the_previous_31_august() -> None:
    spring = dt.date(2026, 1, 15)
    frame = typed_frame("census", [census_row(1, census_date=spring)])
    assert validate(frame, "census").accepted.height == 1


def test_accepted_rows_have_the_schema_columns_and_line_but_no_helpers() -> None:
    frame = census_with({"idaci_score": 3.0})
    accepted = validate(frame, "census", max_bad_share=0.5).accepted
    assert accepted.columns == [*CENSUS.column_names, "_line"]
    assert accepted.schema == frame.schema
