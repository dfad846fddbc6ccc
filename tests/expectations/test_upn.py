"""UPN checks: the well-formedness pattern and the stdnum-backed custom expectation."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st
from stdnum.gb.upn import calc_check_digit

from expectations.upn import UPN_PATTERN, ExpectColumnValuesToBeValidUpn, is_valid_upn
from tests.expectations.frames import make_upn, wrong_check_letter


def test_known_valid_upn() -> None:
    assert is_valid_upn("B801200005001")
    assert re.match(UPN_PATTERN, "B801200005001")


def test_temporary_upn_ending_in_a_letter_is_well_formed() -> None:
    body = "35920011500"
    temporary = calc_check_digit(body + "A") + body + "A"
    assert re.match(UPN_PATTERN, temporary)
    assert is_valid_upn(temporary)


@pytest.mark.parametrize(
    "value",
    [
        "",
        "B80120000500",
        "B8012000050011",
        "b801200005001",
        "I801200005001",
        "B80120000500O",
        " B801200005001",
        "B8012000A5001",
    ],
)
def test_malformed_upns_do_not_match_the_pattern(value: str) -> None:
    assert not re.match(UPN_PATTERN, value)


@pytest.mark.parametrize("value", [None, 42, "A801200005001", "E000200005001"])
def test_invalid_upns(value: object) -> None:
    assert not is_valid_upn(value)


@given(serial=st.integers(0, 999), establishment=st.integers(1000, 7999))
def test_a_wrong_check_letter_is_always_caught(serial: int, establishment: int) -> None:
    upn = make_upn(serial, establishment=establishment)
    assert is_valid_upn(upn)
    assert re.match(UPN_PATTERN, upn)
    assert not is_valid_upn(wrong_check_letter(upn))


def test_custom_expectation_type_name() -> None:
    expectation = ExpectColumnValuesToBeValidUpn(column="upn")
    assert expectation.expectation_type == "expect_column_values_to_be_valid_upn"
    assert expectation.map_metric == "column_values.valid_upn"
