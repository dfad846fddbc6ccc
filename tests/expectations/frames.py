"""Small typed input frames built by hand: one clean row per pupil, then defects on top."""

from __future__ import annotations

import datetime as dt
from typing import Any

import polars as pl
from stdnum.gb.upn import calc_check_digit

from schema.inputs import INPUTS

CENSUS_DATE = dt.date(2025, 10, 2)


def make_upn(serial: int, *, la: int = 359, establishment: int = 2001, year: int = 15) -> str:
    """A valid UPN (right check letter) for a Wigan (LA 359) school."""
    body = f"{la:03d}{establishment:04d}{year:02d}{serial:03d}"
    return calc_check_digit(body) + body


def wrong_check_letter(upn: str) -> str:
    """``upn`` with a different, wrong check letter."""
    return ("B" if upn[0] != "B" else "C") + upn[1:]


def census_row(serial: int, **overrides: Any) -> dict[str, Any]:
    """A clean census row: a Year 5 pupil (aged 9 on 31 August 2025) at the 2025 census."""
    row = {
        "census_date": CENSUS_DATE,
        "upn": make_upn(serial),
        "laestab": "3592001",
        "urn": "100001",
        "legal_surname": "Smith",
        "forename": "Sam",
        "date_of_birth": dt.date(2016, 3, 14),
        "sex": "F",
        "postcode": "WN1 1AA",
        "ward_code": "E05000841",
        "lsoa_code": "E01006200",
        "nc_year": "5",
        "enrolment_status": "C",
        "ethnicity": "WBRI",
        "first_language": "ENG",
        "fsm_eligible": False,
        "fsm6": False,
        "sen_provision": "N",
        "idaci_score": 0.21,
    }
    return row | overrides


def ks2_row(serial: int, **overrides: Any) -> dict[str, Any]:
    row = {
        "academic_year": "2024/25",
        "upn": make_upn(serial),
        "laestab": "3592001",
        "reading_score": 104,
        "reading_code": None,
        "maths_score": 99,
        "maths_code": None,
        "writing_ta": "EXS",
    }
    return row | overrides


def absence_row(serial: int, **overrides: Any) -> dict[str, Any]:
    row = {
        "academic_year": "2024/25",
        "upn": make_upn(serial),
        "laestab": "3592001",
        "possible_sessions": 380,
        "authorised_absence": 10,
        "unauthorised_absence": 4,
    }
    return row | overrides


def schools_row(number: int, **overrides: Any) -> dict[str, Any]:
    row = {
        "laestab": f"359{2000 + number}",
        "urn": f"{100000 + number}",
        "school_name": f"School {number}",
        "phase": "primary",
        "ward_code": "E05000841",
        "ward_name": "Ward",
    }
    return row | overrides


def consent_row(serial: int, **overrides: Any) -> dict[str, Any]:
    row = {
        "upn": make_upn(serial),
        "consent_type": "research_opt_out",
        "recorded_by": "parent",
        "recorded_on": dt.date(2025, 1, 6),
        "effective_from": dt.date(2025, 1, 6),
        "withdrawn_on": None,
        "source_ref": f"CR-{serial}",
    }
    return row | overrides


def typed_frame(input_name: str, rows: list[dict[str, Any]], first_line: int = 2) -> pl.DataFrame:
    """Rows typed per the input's schema, with ``_line`` numbered from ``first_line``."""
    frame = pl.DataFrame(rows, schema=INPUTS[input_name].polars_schema(), orient="row")
    return frame.with_columns(
        pl.int_range(first_line, first_line + frame.height, dtype=pl.Int64).alias("_line")
    )


def assert_counts_add_up(outcome: Any, frame: pl.DataFrame) -> None:
    """Every row accepted or quarantined, never both, and the statistics agree."""
    accepted = set(outcome.accepted["_line"].to_list())
    quarantined = set(outcome.quarantined["_line"].to_list())
    assert not accepted & quarantined
    assert accepted | quarantined == set(frame["_line"].to_list())
    assert outcome.accepted.height + len(quarantined) == frame.height
    stats = outcome.statistics
    assert stats["rows_read"] == frame.height
    assert stats["rows_accepted"] == outcome.accepted.height
    assert stats["rows_quarantined"] == len(quarantined)
    assert stats["quarantine_entries"] == outcome.quarantined.height


def reasons_by_line(outcome: Any) -> dict[int, set[str]]:
    """The reasons each quarantined line failed."""
    found: dict[int, set[str]] = {}
    for line, reason in outcome.quarantined.select("_line", "expectation").iter_rows():
        found.setdefault(line, set()).add(reason)
    return found


def borough_census(n: int, seed: int = 7) -> pl.DataFrame:
    """``n`` clean census rows (distinct valid UPNs, DOB matching NC year), for scale tests."""
    import numpy as np

    from schema import codes

    rng = np.random.default_rng(seed)
    nc_year = rng.choice(list(codes.NC_YEARS), n)
    age = np.array([4 if y == "R" else int(y) + 4 for y in nc_year])
    offset = rng.integers(0, 365, n)
    born = [
        dt.date(2025 - int(a) - 1, 9, 1) + dt.timedelta(days=int(d))
        for a, d in zip(age, offset, strict=True)
    ]
    columns = {
        "census_date": [CENSUS_DATE] * n,
        "upn": [make_upn(i % 1000, establishment=1000 + i // 1000) for i in range(n)],
        "laestab": ["3592001"] * n,
        "urn": ["100001"] * n,
        "legal_surname": ["Smith"] * n,
        "forename": ["Sam"] * n,
        "date_of_birth": born,
        "sex": rng.choice(list(codes.SEX), n),
        "postcode": ["WN1 1AA"] * n,
        "ward_code": ["E05000841"] * n,
        "lsoa_code": ["E01006200"] * n,
        "nc_year": nc_year,
        "enrolment_status": ["C"] * n,
        "ethnicity": rng.choice(list(codes.ETHNICITY), n),
        "first_language": rng.choice(list(codes.FIRST_LANGUAGE), n),
        "fsm_eligible": rng.random(n) < 0.25,
        "fsm6": rng.random(n) < 0.3,
        "sen_provision": rng.choice(list(codes.SEN_PROVISION), n),
        "idaci_score": rng.random(n),
    }
    frame = pl.DataFrame(columns, schema=INPUTS["census"].polars_schema())
    return frame.with_columns(pl.int_range(2, n + 2, dtype=pl.Int64).alias("_line"))
