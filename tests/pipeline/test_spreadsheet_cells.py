"""No CSV cell pupilstats writes starts a spreadsheet formula (``pipeline.spreadsheet_cells``);
numbers and symbols are written as they were, so ordinary files keep their bytes."""

from __future__ import annotations

import csv
import io

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.spreadsheet_cells import (
    FORMULA_STARTS,
    safe_cell,
    safe_csv,
    safe_csv_text,
    safe_frame,
)

cells = st.one_of(
    st.none(),
    st.text(max_size=12),
    st.builds(lambda s, t: s + t, st.sampled_from(FORMULA_STARTS), st.text(max_size=12)),
    st.floats(allow_nan=False, allow_infinity=False).map(repr),
    st.integers(-10_000, 10_000).map(str),
)
frames = st.integers(1, 4).flatmap(
    lambda width: st.lists(st.lists(cells, min_size=width, max_size=width), max_size=8).map(
        lambda rows: pl.DataFrame(
            [[r[i] for r in rows] for i in range(width)],
            schema={f"c{i}": pl.Utf8 for i in range(width)},
            orient="col",
        )
    )
)


def parsed(text: str) -> list[list[str]]:
    """The cells of CSV ``text`` (a blank line of a one-column file is one empty cell)."""
    return [row or [""] for row in csv.reader(io.StringIO(text, newline=""))]


@pytest.mark.parametrize(
    ("cell", "written"),
    [
        ('=HYPERLINK("http://x","y")', '\'=HYPERLINK("http://x","y")'),
        ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
        ("@SUM(1+1)", "'@SUM(1+1)"),
        ("-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"),
        ("\t=1+1", "'\t=1+1"),
        ("\r=1+1", "'\r=1+1"),
        ("-2", "-2"),
        ("-0.5", "-0.5"),
        ("+1.25", "+1.25"),
        ("-1e-05", "-1e-05"),
        ("c", "c"),
        ("z", "z"),
        ("*", "*"),
        ("-", "-"),
        ("St Mary's", "St Mary's"),
        ("", ""),
    ],
)
def test_a_cell_that_starts_a_formula_is_quoted_and_a_number_or_symbol_is_not(
    cell: str, written: str
) -> None:
    assert safe_cell(cell) == written
    frame = pl.DataFrame({"name": [cell], "count": [3]})
    assert safe_frame(frame)["name"].to_list() == [written]
    assert parsed(safe_csv(frame))[1][0] == written


@given(frames)
def test_no_written_cell_starts_a_formula_unless_it_is_a_number(frame: pl.DataFrame) -> None:
    for row in parsed(safe_csv(frame))[1:]:
        for cell in row:
            assert not cell.startswith(FORMULA_STARTS) or cell == "-" or float(cell) == float(cell)


@given(frames)
def test_quoting_changes_only_the_cells_that_start_a_formula(frame: pl.DataFrame) -> None:
    safe = safe_frame(frame)
    for name in frame.columns:
        for before, after in zip(frame[name].to_list(), safe[name].to_list(), strict=True):
            assert after == before or after == "'" + before


@given(frames)
def test_both_writers_agree_and_ordinary_text_keeps_its_bytes(frame: pl.DataFrame) -> None:
    plain = frame.write_csv(line_terminator="\n")
    from_text = safe_csv_text(plain)
    assert parsed(from_text) == parsed(safe_csv(frame))
    if safe_frame(frame).equals(frame):
        assert from_text == plain == safe_csv(frame)


def test_numeric_columns_are_written_as_they_were() -> None:
    frame = pl.DataFrame({"progress8": [-0.5, -2.0, 0.25], "pupils": [-1, 0, 7]})
    assert safe_csv(frame) == frame.write_csv(line_terminator="\n")
