"""Property: whatever defects a census carries, every row is accepted or quarantined, once."""

from __future__ import annotations

import datetime as dt
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from expectations.run import validate
from tests.expectations.frames import (
    assert_counts_add_up,
    census_row,
    make_upn,
    reasons_by_line,
    typed_frame,
    wrong_check_letter,
)

DEFECTS: dict[str, tuple[str, Any]] = {
    "missing_required": ("forename", None),
    "code_not_in_set": ("sen_provision", "Z"),
    "out_of_range": ("idaci_score", 1.5),
    "upn_malformed": ("upn", None),  # filled per row: the pupil's UPN cut to 12 characters
    "upn_check_letter": ("upn", None),  # filled per row: a wrong check letter
    "dob_nc_year_mismatch": ("date_of_birth", dt.date(2010, 1, 1)),
}


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    defects=st.lists(st.sampled_from([None, *DEFECTS]), min_size=1, max_size=12),
    max_bad_share=st.sampled_from([0.0, 0.05, 0.5, 1.0]),
)
def test_every_row_is_accepted_or_quarantined_with_its_defect(
    defects: list[str | None], max_bad_share: float
) -> None:
    rows = []
    for serial, defect in enumerate(defects, start=1):
        if defect is None:
            rows.append(census_row(serial))
            continue
        column, value = DEFECTS[defect]
        if defect == "upn_malformed":
            value = make_upn(serial)[:12]
        if defect == "upn_check_letter":
            value = wrong_check_letter(make_upn(serial))
        rows.append(census_row(serial, **{column: value}))
    frame = typed_frame("census", rows)
    outcome = validate(frame, "census", max_bad_share=max_bad_share)
    assert_counts_add_up(outcome, frame)
    found = reasons_by_line(outcome)
    expected = {line: {d} for line, d in enumerate(defects, start=2) if d is not None}
    assert found == expected
    bad_share = len(expected) / len(defects)
    forename_blank_throughout = all(d == "missing_required" for d in defects)
    assert outcome.ok == (bad_share <= max_bad_share and not forename_blank_throughout)
