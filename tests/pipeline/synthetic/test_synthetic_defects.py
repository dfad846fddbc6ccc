"""Injected defects: each is recorded, sits at its stated line with its stated text, is
really bad, and is the only bad thing: the clean rows pass every check and load back
unchanged through the project's reader and parser."""

from __future__ import annotations

import csv
import re
from datetime import date
from pathlib import Path

import polars as pl
import pytest
from stdnum.gb import upn as stdnum_upn
from synthetic_checks import NC_INDEX, age_on_august_31, all_problems

from pipeline.load.parse import parse_rows
from pipeline.load.reader import read_rows
from pipeline.synthetic import SyntheticBorough, generate_borough, write_borough
from pipeline.synthetic import defects as kinds
from pipeline.synthetic.writer import DEFECTS_FILE
from schema.inputs import INPUTS, LINE

PARSER_KINDS = {kinds.NOT_A_DATE, kinds.NOT_A_BOOLEAN, kinds.NOT_A_WHOLE_NUMBER}
UPN_SHAPE = re.compile(r"^[A-HJ-NP-RT-Z][0-9]{11}[0-9A-HJ-NP-RT-Z]$")


@pytest.fixture(scope="module")
def written(defective_borough: SyntheticBorough, tmp_path_factory: pytest.TempPathFactory):
    return write_borough(defective_borough, tmp_path_factory.mktemp("csv"), "csv")


@pytest.fixture(scope="module")
def written_parquet(defective_borough: SyntheticBorough, tmp_path_factory: pytest.TempPathFactory):
    return write_borough(defective_borough, tmp_path_factory.mktemp("parquet"), "parquet")


def read_records(path: Path) -> list[list[str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.reader(handle))


def test_defect_counts_and_kinds(defective_borough: SyntheticBorough) -> None:
    census = defective_borough.defects_in("census")
    assert len(census) == round(0.03 * defective_borough.census.height)
    assert {d.kind for d in census} == set(kinds.CENSUS_KINDS)
    assert len({d.row for d in census}) == len(census)
    for name in ("ks2", "ks4", "absence", "ncmp", "consent"):
        assert 1 <= len(defective_borough.defects_in(name)) <= kinds.OTHER_FILE_DEFECTS_CAP
    assert defective_borough.defects_in("schools") == []


def test_clean_borough_has_no_defects_file(clean_borough: SyntheticBorough, tmp_path: Path) -> None:
    written = write_borough(clean_borough, tmp_path)
    assert clean_borough.defects == []
    assert "defects" not in written and not (tmp_path / DEFECTS_FILE).exists()


def test_each_defect_is_at_its_stated_line(
    defective_borough: SyntheticBorough, written: dict[str, Path]
) -> None:
    records = {name: read_records(written[name]) for name in INPUTS}
    for defect in defective_borough.defects:
        header, *_ = records[defect.file]
        row = dict(zip(header, records[defect.file][defect.line - 1], strict=True))
        assert row[defect.column] == defect.text, defect
        assert row["upn"] == (defect.upn or ""), defect
    # every record is one line: no quoted line breaks move the line numbers
    for name in INPUTS:
        assert len(records[name]) == len(written[name].read_text().splitlines())


def test_defects_file_lists_every_defect(
    defective_borough: SyntheticBorough, written: dict[str, Path]
) -> None:
    listed = read_records(written["defects"])
    assert listed[0] == ["file", "line", "upn", "kind", "column", "value", "detail"]
    expected = sorted(
        (f"{d.file}.csv", str(d.line), d.upn or "", d.kind, d.column, d.text)
        for d in defective_borough.defects
    )
    assert sorted(tuple(r[:6]) for r in listed[1:]) == expected


def _is_bad(defect: kinds.Defect, row: dict[str, str], borough: SyntheticBorough) -> bool:
    text = row[defect.column]
    column = INPUTS[defect.file].column(defect.column)
    if defect.kind == kinds.UPN_CHECK_LETTER:
        return bool(UPN_SHAPE.match(text)) and not stdnum_upn.is_valid(text)
    if defect.kind == kinds.UPN_MALFORMED:
        return not UPN_SHAPE.match(text)
    if defect.kind == kinds.NOT_A_DATE:
        try:
            date.fromisoformat(text)
        except ValueError:
            return True
        return False
    if defect.kind == kinds.DOB_NC_YEAR_MISMATCH:
        dob = date.fromisoformat(text)
        return age_on_august_31(dob, borough.census_date) != NC_INDEX[row["nc_year"]] + 4
    if defect.kind == kinds.CODE_NOT_IN_SET:
        return column.codes is not None and text not in column.codes
    if defect.kind == kinds.DUPLICATE_UPN:
        main = borough.census.filter(pl.col("enrolment_status") != "S")
        return main.filter(pl.col("upn") == text).height == 2
    if defect.kind == kinds.MISSING_REQUIRED:
        return column.required and text == ""
    if defect.kind == kinds.NOT_A_BOOLEAN:
        return text not in ("Y", "N")
    if defect.kind == kinds.OUT_OF_RANGE:
        value = float(text)
        return value < column.minimum or value > column.maximum
    if defect.kind == kinds.NOT_A_WHOLE_NUMBER:
        return not text.lstrip("-").isdigit()
    if defect.kind == kinds.ABSENCE_EXCEEDS_POSSIBLE:
        absent = int(row["authorised_absence"]) + int(row["unauthorised_absence"])
        return absent > int(row["possible_sessions"])
    if defect.kind == kinds.UNKNOWN_PUPIL:
        return stdnum_upn.is_valid(text) and text not in set(borough.census["upn"].to_list())
    raise AssertionError(f"no check for {defect.kind}")


def test_each_defect_is_really_bad(
    defective_borough: SyntheticBorough, written: dict[str, Path]
) -> None:
    records = {name: read_records(written[name]) for name in INPUTS}
    for defect in defective_borough.defects:
        header = records[defect.file][0]
        row = dict(zip(header, records[defect.file][defect.line - 1], strict=True))
        assert _is_bad(defect, row, defective_borough), defect


def test_clean_rows_pass_every_check(defective_borough: SyntheticBorough) -> None:
    clean = {name: defective_borough.clean_rows(name) for name in INPUTS}
    assert all_problems(clean) == []
    assert all_problems(defective_borough.frames) != []


def test_census_defect_pupils_have_no_other_rows(defective_borough: SyntheticBorough) -> None:
    set_aside = [
        d.upn
        for d in defective_borough.defects_in("census")
        if d.column != "upn" or d.kind == kinds.DUPLICATE_UPN
    ]
    assert set_aside
    for name in ("ks2", "ks4", "absence", "ncmp", "consent"):
        assert set(set_aside).isdisjoint(defective_borough.frames[name]["upn"].to_list()), name


def test_duplicated_upns_are_recorded_on_both_rows(defective_borough: SyntheticBorough) -> None:
    duplicates = [
        d for d in defective_borough.defects_in("census") if d.kind == kinds.DUPLICATE_UPN
    ]
    assert duplicates and len(duplicates) % 2 == 0
    census = defective_borough.census
    for upn in {d.upn for d in duplicates}:
        pair = [d for d in duplicates if d.upn == upn]
        assert len(pair) == 2
        rows = census[[d.row for d in pair]]
        assert rows["upn"].to_list() == [upn, upn]
        assert rows["laestab"].n_unique() == 2
        assert {d.detail.split(" line ")[1] for d in pair} == {str(d.line) for d in pair}


@pytest.mark.parametrize("name", list(INPUTS))
def test_clean_rows_round_trip_through_the_loader(
    defective_borough: SyntheticBorough, written: dict[str, Path], name: str
) -> None:
    schema = INPUTS[name]
    raw = read_rows(written[name], schema)
    assert raw.malformed.height == 0
    assert raw.rows[LINE].to_list() == list(range(2, defective_borough.frames[name].height + 2))
    parsed = parse_rows(raw.rows, schema)
    defect_lines = sorted({d.line for d in defective_borough.defects_in(name)})
    unparsable = sorted(
        {d.line for d in defective_borough.defects_in(name) if d.kind in PARSER_KINDS}
    )
    assert sorted(set(parsed.quarantined[LINE].to_list())) == unparsable
    loaded = parsed.rows.filter(~pl.col(LINE).is_in(defect_lines)).drop(LINE)
    assert loaded.equals(defective_borough.clean_rows(name))


@pytest.mark.parametrize("name", list(INPUTS))
def test_parquet_holds_the_same_text_as_csv(
    written: dict[str, Path], written_parquet: dict[str, Path], name: str
) -> None:
    columns = list(INPUTS[name].column_names)
    blank_as_null = [pl.col(c).replace("", None) for c in columns]
    from_csv = read_rows(written[name], INPUTS[name]).rows.with_columns(blank_as_null)
    from_parquet = read_rows(written_parquet[name], INPUTS[name]).rows
    assert from_parquet.equals(from_csv)


def test_parquet_without_defects_is_typed(clean_borough: SyntheticBorough, tmp_path: Path) -> None:
    paths = write_borough(clean_borough, tmp_path, "parquet")
    for name, path in paths.items():
        assert pl.read_parquet(path).equals(clean_borough.frames[name]), name


def test_rewriting_a_folder_leaves_one_borough(
    defective_borough: SyntheticBorough, clean_borough: SyntheticBorough, tmp_path: Path
) -> None:
    write_borough(defective_borough, tmp_path, "csv")
    write_borough(clean_borough, tmp_path, "parquet")
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(f"{n}.parquet" for n in INPUTS)
    with pytest.raises(ValueError, match="fmt must be"):
        write_borough(clean_borough, tmp_path, "xlsx")  # type: ignore[arg-type]


def test_many_defects_still_leave_clean_rows_clean() -> None:
    borough = generate_borough(pupils=800, seed=3, defects=0.2)
    assert len(borough.defects_in("census")) == round(0.2 * borough.census.height)
    assert all_problems({n: borough.clean_rows(n) for n in INPUTS}) == []
