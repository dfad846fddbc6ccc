from __future__ import annotations

import json
import math

import polars as pl

from disclosure import DFE, Dimension, Profile, Table, audit
from disclosure.audit import EXACT, NARROWED, PUBLISHED

from .cases import FOUR_BY_FOUR_SUPPRESSED, four_by_four, mask


def interval(report, cell: str) -> tuple[float, float]:
    row = report.intervals.filter(pl.col("cell") == cell)
    return row["lower"].item(), row["upper"].item()


def test_sdctable_four_by_four_two_per_line_yet_one_cell_recoverable() -> None:
    """sdcTable test-simpleheuristic.R: every row and column holds two suppressions, yet rows
    w + x minus columns a + c give (w, b) = 236 - 189 = 47."""
    table = four_by_four()
    report = audit([table], {table.name: mask(table, FOUR_BY_FOUR_SUPPRESSED)}, DFE)
    assert not report.passed
    assert [(f.cell, f.value, f.lower, f.upper, f.rule) for f in report.failures] == [
        ("v1=w, v2=b", 47, 47.0, 47.0, EXACT)
    ]
    evidence = " ".join(report.failures[0].evidence)
    for relation in ("(v1=w)", "(v1=x)", "(v2=a)", "(v2=c)"):
        assert relation in evidence  # the two rows and two columns that pin it down
    assert report.intervals.height == 9


def test_sdctable_four_by_four_fixed_by_one_more_suppression() -> None:
    table = four_by_four()
    cells = [*FOUR_BY_FOUR_SUPPRESSED, ("x", "b")]
    report = audit([table], {table.name: mask(table, cells)}, DFE)
    assert report.passed and report.failures == []
    assert interval(report, "v1=w, v2=b") == (0.0, 141.0)  # sdcTable's attack(): [0, 141]


def two_by_two() -> Table:
    """A 2x2 table with all four inner cells suppressed and the margins published, built so
    that the attacker's interval for X11 is [3, 6] as in the tau-ARGUS manual's audit example
    (the manual's own numbers were not available; this table is constructed to match):
    X11 + X12 = 6, X11 + X21 = 8, X21 + X22 = 5 give X11 >= 8 - 5 and X11 <= 6."""
    rows = Dimension.flat("row", ["1", "2"], total="T")
    cols = Dimension.flat("col", ["1", "2"], total="T")
    leaves = pl.DataFrame(
        {"row": ["1", "1", "2", "2"], "col": ["1", "2", "1", "2"], "value": [4, 2, 4, 1]}
    )
    return Table.from_leaf_cells("two_by_two", leaves, [rows, cols])


def test_two_by_two_intervals_from_the_margins() -> None:
    table = two_by_two()
    inner = [("1", "1"), ("1", "2"), ("2", "1"), ("2", "2")]
    report = audit([table], {table.name: mask(table, inner)}, DFE)
    assert interval(report, "col=1, row=1") == (3.0, 6.0)
    assert interval(report, "col=2, row=1") == (0.0, 3.0)  # sensitive 2, reaches t = 3
    assert interval(report, "col=1, row=2") == (2.0, 5.0)
    assert interval(report, "col=2, row=2") == (0.0, 3.0)
    assert report.passed


def test_sensitive_cell_narrowed_inside_one_to_threshold_minus_one_fails() -> None:
    table = two_by_two()
    inner = [("1", "1"), ("1", "2"), ("2", "1"), ("2", "2")]
    strict = Profile("strict", threshold=10)
    report = audit([table], {table.name: mask(table, inner)}, strict)
    rules = {f.cell: f.rule for f in report.failures}
    assert rules["col=1, row=1"] == NARROWED  # 4 known to lie in [3, 6], inside [1, 9]
    assert not report.passed


def test_published_sensitive_cell_fails_and_report_is_json() -> None:
    table = two_by_two()
    report = audit([table], {table.name: [False] * table.size}, DFE)
    assert {(f.cell, f.rule) for f in report.failures} == {
        ("col=2, row=1", PUBLISHED),
        ("col=2, row=2", PUBLISHED),
    }
    as_dict = report.as_dict()
    assert as_dict["failures"] == 2 and as_dict["passed"] is False
    json.dumps(as_dict)


def test_unbounded_cells_get_an_infinite_upper_bound() -> None:
    table = two_by_two()
    report = audit([table], {table.name: [True] * table.size}, DFE)
    assert report.passed
    assert math.isinf(interval(report, "grand total")[1])
    assert json.dumps(report.as_dict())
