"""The run's limits: LA, census date, completeness, KS2 score-or-code, temporary UPNs."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import polars as pl
from stdnum.gb.upn import calc_check_digit, is_valid

from expectations.limits import QUALITY_FILE, QualityLimits, load_limits
from expectations.run import validate
from tests.expectations.frames import (
    CENSUS_DATE,
    assert_counts_add_up,
    census_row,
    ks2_row,
    make_upn,
    reasons_by_line,
    typed_frame,
)

LIMITS = replace(load_limits(path=QUALITY_FILE), la_number=359, max_bad_share=1.0)
"""The project's limits, judging rows one by one (no share of bad rows rejects a file)."""


def census(n: int, **overrides: object) -> pl.DataFrame:
    return typed_frame("census", [census_row(s, **overrides) for s in range(1, n + 1)])


def test_a_row_of_another_la_is_quarantined() -> None:
    frame = typed_frame("census", [census_row(1), census_row(2, laestab="3502001"), census_row(3)])
    outcome = validate(frame, "census", limits=LIMITS)
    assert reasons_by_line(outcome) == {3: {"laestab_not_in_la"}}
    assert outcome.ok
    assert_counts_add_up(outcome, frame)


def test_a_file_of_another_la_is_rejected_for_that_reason_only() -> None:
    frame = census(25, laestab="3502001")
    outcome = validate(frame, "census", limits=QualityLimits(la_number=359))
    assert outcome.batch_failures == ["the file is for LA 350, not the configured LA 359"]


def test_without_an_la_number_any_la_is_accepted() -> None:
    outcome = validate(census(3, laestab="3502001"), "census", limits=QualityLimits())
    assert outcome.ok and outcome.quarantined.is_empty()


def test_census_date_of_the_run() -> None:
    frame = typed_frame(
        "census",
        [census_row(1), census_row(2, census_date=dt.date(2025, 10, 3)), census_row(3)],
    )
    outcome = validate(frame, "census", limits=LIMITS, census_date=CENSUS_DATE)
    assert reasons_by_line(outcome) == {3: {"census_date_mismatch"}}
    assert outcome.ok
    other = validate(frame, "census", limits=LIMITS, census_date=dt.date(2025, 10, 3))
    assert other.batch_failures == [
        "the file holds the census of 2025-10-02, not the run's census date 2025-10-03"
    ]


def test_completeness_below_threshold_rejects_the_file() -> None:
    rows = [census_row(s, postcode=None if s <= 2 else "WN1 1AA") for s in range(1, 31)]
    frame = typed_frame("census", rows)
    outcome = validate(frame, "census", limits=LIMITS)
    assert outcome.batch_failures == [
        "column 'postcode' is filled on 93.3% of rows, below its completeness threshold of 95%"
    ]
    assert outcome.statistics["quarantined_by_reason"] == {"missing_required": 2}


def test_completeness_is_not_judged_on_small_files() -> None:
    frame = typed_frame("census", [census_row(1, postcode=None), census_row(2)])
    outcome = validate(frame, "census", limits=LIMITS)
    assert outcome.ok


def test_optional_column_threshold() -> None:
    rows = [ks2_row(s, reading_score=None, reading_code="A") for s in range(1, 9)]
    rows += [ks2_row(s) for s in range(9, 25)]
    frame = typed_frame("ks2", rows)
    outcome = validate(frame, "ks2", limits=LIMITS)
    assert outcome.batch_failures == [
        "column 'reading_score' is filled on 66.7% of rows, below its completeness threshold of 75%"
    ]
    assert outcome.quarantined.is_empty()


def test_ks2_needs_a_score_or_a_code_not_both() -> None:
    frame = typed_frame(
        "ks2",
        [
            ks2_row(1),
            ks2_row(2, reading_code="A"),
            ks2_row(3, maths_score=None),
            ks2_row(4, maths_score=None, maths_code="B"),
        ],
    )
    outcome = validate(frame, "ks2", limits=LIMITS)
    assert reasons_by_line(outcome) == {3: {"score_or_code"}, 4: {"score_or_code"}}
    fields = dict(outcome.quarantined.select("_line", "field").iter_rows())
    assert fields == {3: "reading_score, reading_code", 4: "maths_score, maths_code"}


def test_temporary_upns_are_valid_and_counted() -> None:
    body = "35920011503T"
    temporary = calc_check_digit(body) + body
    assert is_valid(temporary)
    frame = typed_frame("census", [census_row(1), census_row(2, upn=temporary)])
    outcome = validate(frame, "census", limits=LIMITS)
    assert outcome.quarantined.is_empty()
    assert outcome.statistics["temporary_upns"] == 1
    wrong = ("A" if temporary[0] != "A" else "B") + body
    bad = validate(typed_frame("census", [census_row(1, upn=wrong)]), "census", limits=LIMITS)
    assert reasons_by_line(bad) == {2: {"upn_check_letter"}}
    assert bad.statistics["temporary_upns"] == 0


def test_docs_result_has_counts_but_no_values() -> None:
    bad = "Q" + make_upn(2)[1:]
    frame = typed_frame("census", [census_row(1), census_row(2, upn=bad)])
    outcome = validate(frame, "census", limits=LIMITS)
    text = str(outcome.docs_result.to_json_dict())
    assert bad not in text and make_upn(1) not in text
    failed = [r for r in outcome.docs_result.results if not r.success]
    assert [r.result["unexpected_count"] for r in failed] == [1]
