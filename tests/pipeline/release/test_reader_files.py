"""The EES open-data files and the spreadsheet: the same published cells as the release's
CSVs, by the standard's column rules, written with the release and compared on a re-run."""

from __future__ import annotations

import io
import json
from dataclasses import replace
from datetime import date
from pathlib import Path

import openpyxl
import polars as pl
import pytest

from disclosure import DFE, Dimension, Profile
from pipeline.release import writer
from pipeline.release.context import ReleaseContext
from pipeline.release.describe import (
    AUTUMN_TERM,
    SCHOOL_LEVEL,
    WARD_LEVEL,
    ColumnText,
    Geography,
    Period,
    academic_year_of,
    time_period_code,
)
from pipeline.release.open_data import ees_frames
from pipeline.release.outputs import ReaderFiles
from pipeline.release.places import Places, School, local_authority
from pipeline.release.published import ReleaseTable
from pipeline.release.rates import prevalence_derived_columns, with_prevalence
from pipeline.release.spreadsheet import spreadsheet_bytes
from schema.errors import ReleaseRefused
from tests.pipeline.release.reader_checks import check_open_data, check_spreadsheet
from tests.pipeline.release.test_writer import SCHOOL, audited

NHS = Profile(name="nhs", threshold=8, symbol="*", rounding_base=5)
HOSTILE = '=HYPERLINK("http://x.invalid","open me")'
PLACES = Places(
    la=local_authority("359"),
    schools={"3592001": School("100001", HOSTILE), "3592002": School("100002", "Brook School")},
    wards={"E05900001": "Emberton"},
)
CONTEXT = ReleaseContext(
    title="Test release",
    reference_date=date(2025, 10, 2),
    symbol="c",
    places=PLACES,
    about="Pupils on roll on census day.",
    rules=("Counts of 1 and 2 are suppressed.",),
)


def funding_like(symbol: str = "c") -> ReleaseTable:
    """A school x FSM table with phases, suppressed cells (``symbol``) and two schools."""
    fsm = Dimension.flat("fsm", ["Y", "N"])
    schools = ["Total", "primary", "3592001", "3592002"]
    cells = pl.DataFrame(
        {
            "school": [s for s in schools for _ in range(3)],
            "fsm": ["Total", "Y", "N"] * 4,
            "pupils": [
                v.replace("c", symbol)
                for v in ["40", "c", "35", "40", "c", "35", "20", "c", "c", "20", "c", "c"]
            ],
        }
    )
    return ReleaseTable(
        name="funding_fsm",
        dimensions=(SCHOOL, fsm),
        measure="pupils",
        cells=cells,
        summary={"cells": 12},
        title="Pupils eligible for FSM",
        description="Pupils on roll by FSM eligibility.",
        column_text={"fsm": ColumnText("Free school meals", values={"Y": "Eligible"})},
        period=Period(AUTUMN_TERM),
        geography=Geography("school", SCHOOL_LEVEL, group="phase"),
    )


def health_like() -> ReleaseTable:
    """Years stacked, wards, NHS symbol ``*`` and percentages from the published counts."""
    ward = Dimension.flat("ward", ["E05900001", "E05900002"])
    category = Dimension.flat("category", ["obese", "other"], total="all")
    year = Dimension.flat("academic_year", ["2024/25", "2025/26"])
    rows = [
        (y, w, c, n)
        for y in ("2024/25", "2025/26")
        for w, counts in (("Total", ("60", "*", "55")), ("E05900001", ("30", "*", "25")))
        for c, n in zip(("all", "obese", "other"), counts, strict=True)
    ]
    cells = pl.DataFrame(
        rows, schema=["academic_year", "ward", "category", "children"], orient="row"
    )
    cells = with_prevalence(
        cells,
        measure="children",
        dimensions=("academic_year", "ward", "category"),
        category="category",
        denominator_code="all",
        symbol="*",
    )
    return ReleaseTable(
        name="health_ward",
        dimensions=(year, ward, category),
        measure="children",
        cells=cells,
        summary={"cells": cells.height},
        derived=prevalence_derived_columns("children"),
        title="Children by weight category and ward",
        period=Period(column="academic_year"),
        geography=Geography("ward", WARD_LEVEL),
    )


def test_time_codes_follow_the_standard() -> None:
    assert time_period_code("2025/26") == "202526" and time_period_code("2099-00") == "209900"
    assert academic_year_of(date(2025, 10, 2)) == "2025/26"
    assert academic_year_of(date(2026, 7, 10)) == "2025/26"
    with pytest.raises(ValueError):
        time_period_code("2025/27")


def test_school_rows_are_a_file_of_their_own_and_phases_a_filter() -> None:
    frames = ees_frames(funding_like(), CONTEXT)
    assert set(frames) == {"funding_fsm", "funding_fsm_school"}
    la, school = frames["funding_fsm"], frames["funding_fsm_school"]
    assert la["geographic_level"].unique().to_list() == ["Local authority"]
    assert la["phase"].to_list() == ["Total"] * 3 + ["primary"] * 3
    assert "school_urn" not in la.columns
    assert school["school_urn"].unique(maintain_order=True).to_list() == ["100001", "100002"]
    assert school["phase"].unique().to_list() == ["primary"]
    assert la["time_period"].unique().to_list() == ["202526"]
    assert la["time_identifier"].unique().to_list() == ["Autumn term"]
    assert la["new_la_code"].unique().to_list() == ["E08900359"]


def test_nhs_symbol_becomes_c_and_wards_are_named() -> None:
    context = ReleaseContext("Health", date(2026, 7, 10), "*", PLACES)
    frame = ees_frames(health_like(), context)["health_ward"]
    assert set(frame["geographic_level"]) == {"Local authority", "Ward"}
    wards = frame.filter(pl.col("geographic_level") == "Ward")
    assert wards["ward_name"].unique().to_list() == ["Emberton"]
    assert frame["time_period"].unique().sort().to_list() == ["202425", "202526"]
    assert "*" not in frame["children"].to_list() and "c" in frame["children"].to_list()
    assert "c" in frame["percentage"].to_list() and "z" not in frame["children"].to_list()


def test_written_release_has_reader_files_checked_against_its_csvs(tmp_path: Path) -> None:
    tables = [funding_like(NHS.symbol), health_like()]
    context = ReleaseContext("Both", date(2025, 10, 2), NHS.symbol, PLACES, "about")
    folder = writer.write_release(
        releases_dir=tmp_path / "releases",
        flow="test-flow",
        reference_date="2025-10-02",
        profile=NHS,
        tables=tables,
        inputs=[],
        audit=audited(tables),
        reader=ReaderFiles.build(tables, context),
    )
    assert check_open_data(folder) > 30
    assert check_spreadsheet(folder) > 30
    manifest = json.loads((folder / "manifest.json").read_text())
    listed = {t["file"]: t["sha256"] for t in manifest["tables"]}
    listed.update({o["file"]: o["sha256"] for o in manifest["outputs"]})
    assert writer.file_digests(tables, None, ReaderFiles.build(tables, context)) == listed
    fsm = manifest["tables"][0]
    assert fsm["title"] == "Pupils eligible for FSM"
    assert {c["column"]: c["title"] for c in fsm["columns"]}["fsm"] == "Free school meals"
    assert {c["column"] for c in manifest["tables"][1]["columns"]} >= {"percentage", "ci_lower"}


def test_spreadsheet_is_byte_identical_for_the_same_cells_and_holds_no_formula() -> None:
    tables = [funding_like()]
    first = spreadsheet_bytes(tables, CONTEXT)
    assert spreadsheet_bytes(tables, CONTEXT) == first
    book = openpyxl.load_workbook(io.BytesIO(first))
    assert book.sheetnames == ["Cover", "Contents", "Notes", "Table_1"]
    sheet = book["Table_1"]
    assert sheet["A1"].value == "Pupils eligible for FSM"
    values = [c for row in sheet.iter_rows() for c in row if c.value is not None]
    assert not [c for c in values if c.data_type == "f"]
    counts = [c.value for c in values if isinstance(c.value, int)]
    assert counts.count(40) == 2 and counts.count(35) == 2
    notes = [c.value for row in book["Notes"].iter_rows() for c in row]
    assert any("Free school meals: Y: Eligible" in str(v) for v in notes)


def test_ees_csv_neutralises_a_formula_in_a_school_name() -> None:
    from pipeline.release.open_data import open_data_files

    text = open_data_files([funding_like()], CONTEXT)["open-data/funding_fsm_school.csv"]
    assert b"'=HYPERLINK" in text and b",=HYPERLINK" not in text


def test_a_rerun_with_a_renamed_school_is_not_the_same_files() -> None:
    tables = [funding_like()]
    renamed = Places(PLACES.la, {**PLACES.schools, "3592002": School("100002", "Brook Academy")})
    other = ReleaseContext(**{**CONTEXT.__dict__, "places": renamed})
    before = writer.file_digests(tables, None, ReaderFiles.build(tables, CONTEXT))
    after = writer.file_digests(tables, None, ReaderFiles.build(tables, other))
    changed = {f for f in before if before[f] != after[f]}
    assert changed == {"open-data/funding_fsm_school.csv", "release.xlsx"}
    assert writer.file_digests(tables, None, ReaderFiles.build(tables, CONTEXT)) == before


def test_reader_files_of_other_tables_are_refused(tmp_path: Path) -> None:
    tables = [funding_like()]
    stale = ReaderFiles.build([replace(funding_like(), name="funding_other")], CONTEXT)
    with pytest.raises(ReleaseRefused, match="other tables"):
        writer.write_release(
            releases_dir=tmp_path / "releases",
            flow="test-flow",
            reference_date="2025-10-02",
            profile=DFE,
            tables=tables,
            inputs=[],
            audit=audited(tables),
            reader=stale,
        )
    assert not (tmp_path / "releases").exists()
