"""The identifier guard of free-text reasons: a UPN, a postcode or a date is refused in one
line whatever its case and separators; ordinary reasons pass."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from rights_store import Pupil, insert_pupils, make_upn
from typer.testing import CliRunner

from cli import app
from pipeline.rights.audit_log import checked_reason
from pipeline.store import open_store
from schema.errors import PupilstatsError

separators = st.sampled_from(["", " ", "-", ".", "/"])


def refused_as(reason: str) -> str:
    with pytest.raises(PupilstatsError) as raised:
        checked_reason(reason)
    message = str(raised.value)
    assert "\n" not in message
    return message


@given(
    serial=st.integers(1, 999),
    lower=st.booleans(),
    sep=separators,
    words=st.sampled_from(["", "asked by ", "re "]),
)
def test_a_upn_in_any_case_and_with_separators_is_refused(
    serial: int, lower: bool, sep: str, words: str
) -> None:
    upn = make_upn(serial)
    shown = upn[:4] + sep + upn[4:8] + sep + upn[8:]
    shown = shown.lower() if lower else shown
    assert "must not contain a UPN" in refused_as(f"{words}{shown} moved")


@given(
    area=st.text("ABCDEFGHJKLMNOPRSTUWYZ", min_size=1, max_size=2),
    district=st.integers(1, 99),
    sector=st.integers(0, 9),
    unit=st.text("ABDEFGHJLNPQRSTUWXYZ", min_size=2, max_size=2),
    sep=st.sampled_from(["", " ", "-"]),
    lower=st.booleans(),
)
def test_a_postcode_in_any_case_and_with_separators_is_refused(
    area: str, district: int, sector: int, unit: str, sep: str, lower: bool
) -> None:
    postcode = f"{area}{district}{sep}{sector}{unit}"
    postcode = postcode.lower() if lower else postcode
    assert "must not contain a postcode" in refused_as(f"moved to {postcode} last week")


@given(
    day=st.dates(min_value=date(1990, 1, 1), max_value=date(2030, 12, 31)),
    form=st.sampled_from(
        [
            "%d.%m.%Y",
            "%Y-%m-%d",
            "%d/%m/%Y",
            "%d/%m/%y",
            "%d-%m-%Y",
            "%d %B %Y",
            "%d %b %Y",
            "%b %d, %Y",
        ]
    ),
)
def test_a_date_in_any_usual_form_is_refused(day: date, form: str) -> None:
    assert "must not contain a date" in refused_as(f"asked by Smith DOB {day.strftime(form)}")


@pytest.mark.parametrize(
    "reason",
    [
        "ZZ13-3TR",
        "ZZ1 3TR",
        "zz13 3tr",
        "11.01.2021",
        "2012-02-14",
        "asked by Smith DOB 2012-02-14",
    ],
)
def test_the_reported_forms_are_refused(reason: str) -> None:
    refused_as(reason)


@pytest.mark.parametrize(
    "reason",
    [
        "EHC plan confirmed by the school",
        "moved house",
        "parent asked, ref CR-000123",
        "wrong year group for 2025/26",
        "KS2 results re-marked",
        "school error in Y6",
    ],
)
def test_ordinary_reasons_pass(reason: str) -> None:
    assert checked_reason(f"  {reason} ") == reason


def test_erase_refuses_a_free_text_reason_with_a_date_in_one_line(store_path: Path) -> None:
    pupil = Pupil(make_upn(1), date(2011, 1, 1))
    with open_store(store_path) as con:
        insert_pupils(con, [pupil])
    result = CliRunner().invoke(
        app,
        ["erase", pupil.upn, "--reason", "asked 11.01.2021", "--yes", "--db", str(store_path)],
    )
    assert result.exit_code == 1
    assert len(result.output.strip().splitlines()) == 1, result.output
    assert "is not a reason erase takes" in result.output  # only codes (reasons.py)
    with open_store(store_path) as con:
        assert con.execute("SELECT count(*) FROM census").fetchall() == [(1,)]
