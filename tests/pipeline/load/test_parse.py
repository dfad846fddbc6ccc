"""Parsing text rows: values that do not parse are quarantined with line, field and value."""

from __future__ import annotations

import polars as pl

from pipeline.load.parse import parse_rows
from schema.inputs import CENSUS, CONSENT


def consent_rows(**overrides: list[str]) -> pl.DataFrame:
    base = {
        "upn": ["B801200005001", "B801200005001", "B801200005001"],
        "consent_type": ["research_opt_out"] * 3,
        "recorded_by": ["parent"] * 3,
        "recorded_on": ["2025-01-01", "2025-02-30", "2025-01-01"],
        "effective_from": ["2025-01-01", "2025-01-01", "01/02/2025"],
        "withdrawn_on": ["", "", " "],
        "source_ref": ["CR-1", "CR-2", "CR-3"],
        "_line": [2, 3, 4],
    }
    return pl.DataFrame(base | overrides)


def test_bad_dates_are_quarantined_and_good_rows_typed() -> None:
    parsed = parse_rows(consent_rows(), CONSENT)
    assert parsed.rows["_line"].to_list() == [2]
    assert parsed.rows.schema["recorded_on"] == pl.Date
    assert parsed.rows["withdrawn_on"].is_null().all()
    q = parsed.quarantined
    assert q.select("_line", "field", "value").rows() == [
        (3, "recorded_on", "2025-02-30"),
        (4, "effective_from", "01/02/2025"),
    ]
    assert q["reason"].str.starts_with("not_a_date").all()


def test_booleans_accept_y_n_and_refuse_others() -> None:
    frame = pl.DataFrame({c: ["x", "x", "x"] for c in CENSUS.column_names} | {"_line": [2, 3, 4]})
    frame = frame.with_columns(
        pl.Series("fsm_eligible", ["Y", "n", "maybe"]),
        pl.Series("fsm6", ["true", "0", "N"]),
        pl.Series("idaci_score", ["0.1", "0.2", "0.3"]),
        pl.Series("census_date", ["2025-10-02"] * 3),
        pl.Series("date_of_birth", ["2015-01-01"] * 3),
    )
    parsed = parse_rows(frame, CENSUS)
    assert parsed.rows["fsm_eligible"].to_list() == [True, False]
    assert parsed.rows["fsm6"].to_list() == [True, False]
    assert parsed.quarantined.select("_line", "field", "value").rows() == [
        (4, "fsm_eligible", "maybe")
    ]
