"""A Common Transfer File read as census rows: each census item from its CTF element."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import polars as pl
import pytest

from pipeline.load.ctf import read_ctf
from pipeline.load.parse import parse_rows
from schema.errors import InputFileError
from schema.inputs import CENSUS

CORPUS = Path(__file__).parents[2] / "data" / "bad"
VALID = CORPUS / "census_ctf_valid.xml"


def geography() -> pl.DataFrame:
    return pl.read_csv(CORPUS / "_geography.csv", infer_schema_length=0)


def test_pupils_map_to_census_items() -> None:
    rows = read_ctf(VALID, census_date=date(2025, 10, 2), geography=geography())
    assert rows.columns == [*CENSUS.column_names, "_line"]
    first, second, third = rows.iter_rows(named=True)
    assert first["upn"] == "K359200115001"
    assert (first["legal_surname"], first["forename"]) == ("Brindle", "Ben")
    assert first["laestab"] == "3592001" and first["urn"] == "100001"
    assert first["date_of_birth"] == "2016-03-14" and first["nc_year"] == "5"
    assert first["census_date"] == "2025-10-02"
    assert first["enrolment_status"] == "C"
    # an open FSM instance since 2024-09-01: eligible now and within six years
    assert (first["fsm_eligible"], first["fsm6"]) == ("Y", "Y")
    assert (third["fsm_eligible"], third["fsm6"]) == ("N", "N")
    # <Gender> read where <Sex> is absent; POL summarised as other than English
    assert second["sex"] == "M" and second["first_language"] == "OTH"
    assert first["first_language"] == "ENG"
    # the latest SEN record on or before the census date; none means N
    assert second["sen_provision"] == "K" and first["sen_provision"] == "N"
    # geography looked up from the postcode
    assert first["postcode"] == "ZZ11 1AB"
    assert (first["ward_code"], first["lsoa_code"], first["idaci_score"]) == (
        "E05950001",
        "E01950001",
        "0.21",
    )
    # each row's line is the line of its <Pupil> tag
    text = VALID.read_text().splitlines()
    assert all("<Pupil>" in text[line - 1] for line in rows["_line"])


def test_rows_parse_into_the_census_types() -> None:
    rows = read_ctf(VALID, census_date=date(2025, 10, 2), geography=geography())
    parsed = parse_rows(rows, CENSUS)
    assert parsed.quarantined.is_empty()
    assert parsed.rows["fsm_eligible"].to_list() == [True, False, False]


def test_census_date_defaults_to_the_header_date() -> None:
    rows = read_ctf(VALID)
    assert set(rows["census_date"]) == {"2025-10-02"}


def test_without_geography_the_items_stay_blank() -> None:
    rows = read_ctf(VALID, census_date=date(2025, 10, 2))
    assert set(rows["ward_code"]) == {""} and set(rows["idaci_score"]) == {""}


def test_fsm_ended_before_the_census_counts_for_ever_6_only(tmp_path: Path) -> None:
    ended = (
        "<FSMhistory><FSMinstance><FSMstartDate>2020-01-06</FSMstartDate>"
        "<FSMendDate>2022-07-20</FSMendDate></FSMinstance></FSMhistory>"
    )
    text = VALID.read_text().replace(
        "<FSMhistory><FSMinstance><FSMstartDate>2024-09-01</FSMstartDate></FSMinstance>"
        "</FSMhistory>",
        ended,
    )
    path = tmp_path / "ended.xml"
    path.write_text(text)
    first = read_ctf(path, census_date=date(2025, 10, 2)).row(0, named=True)
    assert (first["fsm_eligible"], first["fsm6"]) == ("N", "Y")


def test_cbds_namespace_of_ctf_10_is_accepted(tmp_path: Path) -> None:
    text = VALID.read_text().replace(
        "<CTfile>", '<CTfile xmlns="http://www.dcsf.gov.uk/schemas/cbds">'
    )
    path = tmp_path / "ctf10.xml"
    path.write_text(text)
    assert read_ctf(path)["upn"].to_list() == read_ctf(VALID)["upn"].to_list()


def test_external_entities_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "xxe.xml"
    path.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE CTfile [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n'
        "<CTfile><CTFpupilData><Pupil><UPN>&x;</UPN></Pupil></CTFpupilData></CTfile>\n"
    )
    with pytest.raises(InputFileError, match="refused"):
        read_ctf(path)
