"""Reading input files: whole-file problems give one clear error naming the file."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from pipeline.load.reader import read_rows
from schema.errors import InputFileError
from schema.inputs import ABSENCE, LINE

HEADER = "academic_year,upn,laestab,possible_sessions,authorised_absence,unauthorised_absence"
ROW = "2025/26,B801200005001,3592001,320,10,2"


def write(tmp_path: Path, text: str | bytes, name: str = "absence.csv") -> Path:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def test_reads_rows_as_text_with_their_line_numbers(tmp_path: Path) -> None:
    path = write(tmp_path, f"{HEADER}\n{ROW}\n\n{ROW}\n")
    raw = read_rows(path, ABSENCE)
    assert raw.rows[LINE].to_list() == [2, 4]
    assert raw.rows["possible_sessions"].to_list() == ["320", "320"]
    assert raw.rows_read == 2
    assert len(raw.sha256) == 64


def test_quoted_newline_keeps_line_numbers_of_later_rows(tmp_path: Path) -> None:
    quoted = '2025/26,B801200005001,"3592\n001",320,10,2'
    raw = read_rows(write(tmp_path, f"{HEADER}\n{quoted}\n{ROW}\n"), ABSENCE)
    assert raw.rows[LINE].to_list() == [2, 4]


def test_columns_in_any_order_and_extra_columns_are_fine(tmp_path: Path) -> None:
    cols = HEADER.split(",")
    vals = ROW.split(",")
    text = ",".join(["note", *reversed(cols)]) + "\n" + ",".join(["x", *reversed(vals)]) + "\n"
    raw = read_rows(write(tmp_path, text), ABSENCE)
    assert raw.rows.columns == [*ABSENCE.column_names, LINE]
    assert raw.rows.row(0)[:6] == tuple(vals)


def test_rows_with_wrong_field_count_are_kept_as_malformed(tmp_path: Path) -> None:
    raw = read_rows(write(tmp_path, f"{HEADER}\n{ROW}\n{ROW},extra\n2025/26,short\n"), ABSENCE)
    assert raw.rows.height == 1
    assert raw.malformed[LINE].to_list() == [3, 4]
    assert raw.malformed["reason"].str.starts_with("wrong_field_count").all()
    assert raw.rows_read == 3


def test_windows_1252_and_bom_are_read(tmp_path: Path) -> None:
    bom = read_rows(
        write(tmp_path, ("\ufeff" + HEADER + "\n" + ROW + "\n").encode("utf-8")), ABSENCE
    )
    assert bom.rows.height == 1
    cp = read_rows(
        write(
            tmp_path,
            (HEADER + "\n" + ROW.replace("2025/26", "2025/26é") + "\n").encode("cp1252"),
            "b.csv",
        ),
        ABSENCE,
    )
    assert cp.rows["academic_year"][0] == "2025/26é"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty"),
        (b"\x00\x01\x02binary", "binary"),
        (HEADER.replace(",", ";") + "\n", "semicolons"),
        (HEADER.replace(",", "\t") + "\n", "tabs"),
        (
            "academic_year,upn,laestab\n2025/26,x,y\n",
            r"missing column\(s\) for the absence input: possible_sessions",
        ),
        (HEADER + ",upn\n", "duplicated column"),
    ],
)
def test_whole_file_problems_name_the_file(
    tmp_path: Path, content: str | bytes, message: str
) -> None:
    path = write(tmp_path, content)
    with pytest.raises(InputFileError, match=message) as info:
        read_rows(path, ABSENCE)
    assert str(path) in str(info.value)


def test_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(InputFileError, match="file not found"):
        read_rows(tmp_path / "nope.csv", ABSENCE)


def test_parquet_is_read_as_text(tmp_path: Path) -> None:
    frame = pl.DataFrame(
        {
            "academic_year": ["2025/26"],
            "upn": ["B801200005001"],
            "laestab": ["3592001"],
            "possible_sessions": [320],
            "authorised_absence": [10],
            "unauthorised_absence": [2],
        }
    )
    path = tmp_path / "absence.parquet"
    frame.write_parquet(path)
    raw = read_rows(path, ABSENCE)
    assert raw.rows.row(0) == ("2025/26", "B801200005001", "3592001", "320", "10", "2", 2)
