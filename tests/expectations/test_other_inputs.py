"""Results, absence, schools and consent suites: their own rules and the census link."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from expectations.run import validate
from tests.expectations.frames import (
    absence_row,
    assert_counts_add_up,
    consent_row,
    ks2_row,
    make_upn,
    reasons_by_line,
    schools_row,
    typed_frame,
)

CENSUS_UPNS = pl.Series("upn", [make_upn(s) for s in range(1, 6)])


def test_absence_over_the_possible_sessions_is_quarantined_and_equal_is_not() -> None:
    frame = typed_frame(
        "absence",
        [
            absence_row(1),
            absence_row(2, possible_sessions=14, authorised_absence=10, unauthorised_absence=4),
            absence_row(3, possible_sessions=13, authorised_absence=10, unauthorised_absence=4),
        ],
    )
    outcome = validate(frame, "absence", census_upns=CENSUS_UPNS, max_bad_share=0.5)
    assert outcome.quarantined.select("_line", "field", "value", "expectation").rows() == [
        (
            4,
            "possible_sessions, authorised_absence, unauthorised_absence",
            "13, 10, 4",
            "absence_exceeds_possible",
        )
    ]
    assert outcome.accepted["_line"].to_list() == [2, 3]
    assert_counts_add_up(outcome, frame)


def test_negative_sessions_are_out_of_range() -> None:
    frame = typed_frame("absence", [absence_row(1, unauthorised_absence=-2), absence_row(2)])
    outcome = validate(frame, "absence", census_upns=CENSUS_UPNS, max_bad_share=0.5)
    assert reasons_by_line(outcome) == {2: {"out_of_range"}}


def test_pupil_not_on_the_census_is_an_unknown_pupil() -> None:
    frame = typed_frame("ks2", [ks2_row(1), ks2_row(99), ks2_row(2)])
    outcome = validate(frame, "ks2", census_upns=CENSUS_UPNS, max_bad_share=0.5)
    assert outcome.quarantined.select("_line", "upn", "field", "expectation").rows() == [
        (3, make_upn(99), "upn", "unknown_pupil")
    ]
    assert outcome.statistics["census_check"] == "run"
    assert_counts_add_up(outcome, frame)


def test_without_census_upns_the_census_link_is_not_checked() -> None:
    frame = typed_frame("ks2", [ks2_row(1), ks2_row(99)])
    outcome = validate(frame, "ks2")
    assert outcome.quarantined.is_empty()
    assert outcome.statistics["census_check"] == "not run"


def test_census_upns_with_nulls_and_repeats_are_fine() -> None:
    upns = pl.Series("upn", [make_upn(1), None, make_upn(1)])
    frame = typed_frame("consent", [consent_row(1), consent_row(2)])
    outcome = validate(frame, "consent", census_upns=upns, max_bad_share=0.5)
    assert reasons_by_line(outcome) == {3: {"unknown_pupil"}}


def test_ks2_optional_scores_may_be_blank_but_not_out_of_range() -> None:
    frame = typed_frame(
        "ks2",
        [
            ks2_row(1, reading_score=None, reading_code="A"),
            ks2_row(2, maths_score=79),
            ks2_row(3, maths_code="Z", maths_score=None),
            ks2_row(4, writing_ta=None),
        ],
    )
    outcome = validate(frame, "ks2", census_upns=CENSUS_UPNS, max_bad_share=1.0)
    assert outcome.quarantined.select("_line", "field", "expectation").rows() == [
        (3, "maths_score", "out_of_range"),
        (4, "maths_code", "code_not_in_set"),
        (5, "writing_ta", "missing_required"),
    ]
    assert outcome.accepted["_line"].to_list() == [2]


def test_ks2_duplicate_pupil_in_a_year_is_a_duplicate_key() -> None:
    frame = typed_frame("ks2", [ks2_row(1), ks2_row(2), ks2_row(1, laestab="3592002")])
    outcome = validate(frame, "ks2", census_upns=CENSUS_UPNS, max_bad_share=1.0)
    keyed = outcome.quarantined.filter(pl.col("expectation") == "duplicate_key")
    assert keyed["_line"].to_list() == [2, 4]
    assert keyed["field"].to_list() == ["academic_year, upn"] * 2
    assert keyed["value"].to_list() == [f"2024/25, {make_upn(1)}"] * 2


def test_schools_have_no_upn_and_a_unique_laestab() -> None:
    frame = typed_frame(
        "schools",
        [schools_row(1), schools_row(2, phase="nursery"), schools_row(1, school_name="Copy")],
    )
    outcome = validate(frame, "schools", max_bad_share=1.0)
    assert outcome.quarantined["upn"].is_null().all()
    assert reasons_by_line(outcome) == {
        2: {"duplicate_key"},
        3: {"code_not_in_set"},
        4: {"duplicate_key"},
    }
    assert outcome.accepted.is_empty()
    assert_counts_add_up(outcome, frame)


def test_consent_codes_and_optional_withdrawal() -> None:
    frame = typed_frame(
        "consent",
        [
            consent_row(1, withdrawn_on=dt.date(2025, 6, 1)),
            consent_row(2, recorded_by="teacher"),
            consent_row(3, consent_type="opt_in"),
        ],
    )
    outcome = validate(frame, "consent", census_upns=CENSUS_UPNS, max_bad_share=1.0)
    assert reasons_by_line(outcome) == {3: {"code_not_in_set"}, 4: {"code_not_in_set"}}
    assert outcome.accepted["_line"].to_list() == [2]


@pytest.mark.parametrize("input_name", ["ks4", "ncmp"])
def test_empty_frames_validate_to_nothing(input_name: str) -> None:
    frame = typed_frame(input_name, [])
    outcome = validate(frame, input_name, census_upns=CENSUS_UPNS)
    assert outcome.ok
    assert outcome.accepted.is_empty()
    assert outcome.quarantined.is_empty()


def test_inputs_validated_from_several_threads_match_serial_runs() -> None:
    from concurrent.futures import ThreadPoolExecutor

    jobs = [
        ("ks2", typed_frame("ks2", [ks2_row(1), ks2_row(99), ks2_row(2, maths_score=200)])),
        ("absence", typed_frame("absence", [absence_row(1), absence_row(2, possible_sessions=3)])),
        ("consent", typed_frame("consent", [consent_row(1), consent_row(98)])),
    ] * 3

    def run(job: tuple[str, pl.DataFrame]) -> pl.DataFrame:
        name, frame = job
        return validate(frame, name, census_upns=CENSUS_UPNS, max_bad_share=1.0).quarantined

    serial = [run(job) for job in jobs]
    with ThreadPoolExecutor(max_workers=4) as pool:
        threaded = list(pool.map(run, jobs))
    assert all(a.equals(b) for a, b in zip(serial, threaded, strict=True))
    assert [q.height for q in serial[:3]] == [2, 1, 1]
