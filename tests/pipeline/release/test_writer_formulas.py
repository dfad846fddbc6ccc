"""A release's CSV files hold no cell a spreadsheet would evaluate; the numbers, symbols and
bytes of an ordinary release are unchanged, and the digests a re-run compares agree with
the files written."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from pathlib import Path

import polars as pl
from test_writer import audited, release, table

from pipeline.release.published import DerivedColumn
from pipeline.release.writer import file_digests

HOSTILE = '=HYPERLINK("http://x","y")'
SCHOOLS = (
    "laestab,urn,school_name,phase\n"
    '3592001,100001,"=HYPERLINK(""http://x"",""y"")",primary\n'
    "3592002,100002,-2+3+cmd|' /C calc'!A0,primary\n"
    "3592003,100003,St Mary's,primary\n"
)


def cells(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))


def test_a_dimension_value_that_starts_a_formula_is_quoted_and_numbers_are_not(
    tmp_path: Path,
) -> None:
    frame = pl.DataFrame(
        {
            "school": ["Total", "Total", HOSTILE],
            "sex": ["Total", "F", "\t=1+1"],
            "pupils": ["40", "c", "-2"],
            "progress": ["-0.5", "z", "@SUM(1+1)"],
        }
    )
    hostile = table(cells=frame, derived=(DerivedColumn("progress", "mean", ("pupils",)),))
    folder = release(tmp_path, [hostile], documents={"schools.csv": SCHOOLS})
    written = cells(folder / "pupils_by_sex.csv")
    assert written[1:] == [
        ["Total", "Total", "40", "-0.5"],
        ["Total", "F", "c", "z"],
        ["'" + HOSTILE, "'\t=1+1", "-2", "'@SUM(1+1)"],
    ]
    assert cells(folder / "schools.csv")[1:] == [
        ["3592001", "100001", "'" + HOSTILE, "primary"],
        ["3592002", "100002", "'-2+3+cmd|' /C calc'!A0", "primary"],
        ["3592003", "100003", "St Mary's", "primary"],
    ]
    manifest = json.loads((folder / "manifest.json").read_text())
    on_disk = {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in folder.iterdir()
        if p.name != "manifest.json"
    }
    assert file_digests([hostile], {"schools.csv": SCHOOLS}) == on_disk
    assert manifest["tables"][0]["sha256"] == on_disk["pupils_by_sex.csv"]


def test_an_ordinary_release_keeps_its_bytes(tmp_path: Path) -> None:
    ordinary = table()
    plain_schools = "laestab,urn,school_name,phase\n3592001,100001,St Mary's,primary\n"
    folder = release(tmp_path, [ordinary], documents={"schools.csv": plain_schools})
    expected = ordinary.cells.write_csv(line_terminator="\n").encode()
    assert (folder / "pupils_by_sex.csv").read_bytes() == expected
    assert (folder / "schools.csv").read_text() == plain_schools
    assert audited([ordinary]).passed
