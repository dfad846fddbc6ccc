"""Free-text forms (``schema.forms``): nothing a spreadsheet would evaluate, and nothing with a
control character, has any form; ordinary names, codes and postcodes do."""

from __future__ import annotations

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.load.parse import parse_rows
from schema.errors import PupilstatsError
from schema.forms import (
    ACADEMIC_YEAR,
    FORMS,
    ONS_CODE,
    PERSON_NAME,
    PLAIN_TEXT,
    POSTCODE,
    URN,
    TextForm,
)
from schema.inputs import CENSUS, INPUTS, LINE
from schema.values import parsed_value

YEARLY_INPUTS = ("ks2", "ks4", "absence", "ncmp")
"""Inputs of one academic year's results, absence or measurements."""
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
PAYLOADS = (
    '=HYPERLINK("http://x","y")',
    "+cmd|' /C calc'!A0",
    "@SUM(1+1)",
    "-2+3+cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
)


@pytest.mark.parametrize("form", FORMS, ids=lambda f: f.reason)
@given(start=st.sampled_from(FORMULA_STARTS), rest=st.text(max_size=30))
def test_no_value_starting_a_formula_has_a_form(form: TextForm, start: str, rest: str) -> None:
    assert not form.matches(start + rest)


@pytest.mark.parametrize("form", FORMS, ids=lambda f: f.reason)
@given(
    before=st.text(max_size=10),
    control=st.characters(categories=["Cc"]),
    after=st.text(max_size=10),
)
def test_no_value_with_a_control_character_has_a_form(
    form: TextForm, before: str, control: str, after: str
) -> None:
    assert not form.matches(before + control + after)


@pytest.mark.parametrize("form", FORMS, ids=lambda f: f.reason)
@pytest.mark.parametrize("payload", PAYLOADS)
def test_the_reported_payloads_have_no_form(form: TextForm, payload: str) -> None:
    assert not form.matches(payload)


@pytest.mark.parametrize(
    ("form", "good", "bad"),
    [
        (
            PERSON_NAME,
            ["O'Brien", "Mary-Jane", "Zoë", "José", "N’Golo", "de la Cruz", "Łukasz", "A" * 100],
            ["Smith2", "Smith.", "J. Smith", "<script>", "Smith\n", "'Quote", " Lead", "A" * 101],
        ),
        (
            PLAIN_TEXT,
            [
                "St Mary's C of E (Aided) Primary",
                "Ysgol Gymraeg Ffôr-Cŵn",
                "CR-000001",
                "1st",
                "A" * 200,
            ],
            ["<b>School</b>", "A|B", "Tab\tin", "School;DROP", "", "A" * 201],
        ),
        (
            ONS_CODE,
            ["E05000001", "E01012345", "W05000980", "S13002516"],
            ["E0500000", "E050000011", "e05000001", "E05-00001", "E05000001\n"],
        ),
        (URN, ["100001", "989602"], ["10001", "1000012", "=1+1", "10000l", "100001\n"]),
        (
            ACADEMIC_YEAR,
            ["2025/26", "2099/00"],
            ["2025-26", "2025/2026", "=1+1", "2025/26 ", "25/26"],
        ),
        (
            POSTCODE,
            ["WN1 1AA", "EC1A 1BB", "M1 1AE", "B338TH", "ZZ13 3TR", "GIR 0AA"],
            ["ZZ13-3TR", "wn1 1aa", "WN1  1AA", "WN1 1AA ", "1WN 1AA", "WN1 1A"],
        ),
    ],
    ids=lambda value: value.reason if isinstance(value, TextForm) else None,
)
def test_each_form_accepts_ordinary_values_and_refuses_others(
    form: TextForm, good: list[str], bad: list[str]
) -> None:
    assert [v for v in good if not form.matches(v)] == []
    assert [v for v in bad if form.matches(v)] == []


def test_every_free_text_column_that_reaches_an_output_has_a_form() -> None:
    forms = {
        (s.name, c.name): c.form.reason
        for s in INPUTS.values()
        for c in s.columns
        if c.form is not None
    }
    assert forms == {
        ("schools", "urn"): "not_a_urn",
        ("schools", "school_name"): "not_plain_text",
        ("schools", "ward_name"): "not_plain_text",
        ("schools", "ward_code"): "not_an_ons_code",
        ("census", "urn"): "not_a_urn",
        ("census", "legal_surname"): "not_a_name",
        ("census", "forename"): "not_a_name",
        ("census", "postcode"): "not_a_postcode",
        ("census", "ward_code"): "not_an_ons_code",
        ("census", "lsoa_code"): "not_an_ons_code",
        ("consent", "source_ref"): "not_plain_text",
        **{(name, "academic_year"): "not_an_academic_year" for name in YEARLY_INPUTS},
    }


@pytest.mark.parametrize("payload", PAYLOADS)
@pytest.mark.parametrize("field", ["postcode", "legal_surname", "ward_code"])
def test_a_typed_value_without_its_form_is_refused_naming_field_and_check(
    field: str, payload: str
) -> None:
    column = CENSUS.column(field)
    with pytest.raises(PupilstatsError) as raised:
        parsed_value(column, payload)
    message = str(raised.value)
    assert message.startswith(f"{field} fails the {column.form.reason} check")
    assert "\n" not in message


def test_a_typed_value_loses_only_surrounding_spaces() -> None:
    assert parsed_value(CENSUS.column("postcode"), "  WN1 1AA ") == "WN1 1AA"
    assert parsed_value(CENSUS.column("idaci_score"), "\t0.25\r") == 0.25


def test_the_loader_keeps_a_leading_tab_of_a_text_value_so_it_is_checked_as_delivered() -> None:
    text = pl.DataFrame(
        {c: ["  " if c != "idaci_score" else "\t0.5\t"] for c in CENSUS.column_names} | {LINE: [2]},
        schema={**{c: pl.Utf8 for c in CENSUS.column_names}, LINE: pl.Int64},
    ).with_columns(
        pl.lit("\t=1+1").alias("ethnicity"),
        pl.lit(" ZZ1 3TR ").alias("postcode"),
    )
    parsed = parse_rows(text, CENSUS)
    row = parsed.rows.row(0, named=True)
    assert row["ethnicity"] == "\t=1+1"  # not "=1+1": the code-set check then refuses it
    assert row["postcode"] == "ZZ1 3TR"
    assert row["idaci_score"] == 0.5
    assert row["upn"] is None  # blank stays blank (missing_required judges it)
