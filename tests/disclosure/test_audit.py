from __future__ import annotations

import json
import math

import numpy as np
import polars as pl
import pytest

from disclosure import DFE, Dimension, Profile, Table, audit, link_tables
from disclosure.audit import NARROWED, PUBLISHED

from .cases import mask, two_by_two


def interval(report, cell: str) -> tuple[float, float]:
    row = report.intervals.filter(pl.col("cell") == cell)
    return row["lower"].item(), row["upper"].item()


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


def test_report_lists_each_failure_with_what_pins_it_down() -> None:
    """A 2x2 table with the two sensitive cells (1, 2) = 2 and (2, 2) = 1 suppressed: row 1
    gives (1, 2) exactly; the report names the relations, and renders as JSON and as a
    Markdown artifact."""
    table = two_by_two()
    report = audit([table], {table.name: mask(table, [("1", "2"), ("2", "2")])}, DFE)
    assert len(report.failures) == 2  # (2, 2) follows from row 2 the same way
    failure = next(f for f in report.failures if f.cell == "col=2, row=1")
    assert (failure.cell, failure.lower, failure.upper) == ("col=2, row=1", 2.0, 2.0)
    assert failure.rule == "recovered exactly"
    assert failure.relations  # at least one relation with a non-zero dual
    assert all("= sum of its" in r for r in failure.relations)
    as_dict = report.as_dict()
    assert as_dict["failed_cells"][0]["relations"] == list(failure.relations)
    json.dumps(as_dict)
    text = report.markdown()
    assert text.startswith("Audit FAILED") and "| col=2, row=1 |" in text


def test_interval_solver_matches_plain_lps_whatever_the_witnesses_skip() -> None:
    """The witnesses (LP solutions seen so far) only skip LPs whose answer they prove: every
    interval equals min and max solved from scratch with scipy, and requirement checks agree."""
    import scipy.optimize as so

    from disclosure.intervals import IntervalSolver
    from disclosure.levels import KnownBounds

    rng = np.random.default_rng(11)
    geo = Dimension("geo", "LA", {"W1": "LA", "W2": "LA", "a": "W1", "b": "W1", "c": "W2"})
    year = Dimension.flat("year", ["Y1", "Y2", "Y3"])
    leaves = pl.DataFrame(
        {
            "geo": [g for g in ("a", "b", "c") for _ in range(3)],
            "year": ["Y1", "Y2", "Y3"] * 3,
            "value": rng.poisson(4, 9).tolist(),
        }
    )
    table = Table.from_leaf_cells("t", leaves, [geo, year])
    linked = link_tables([table])
    values = linked.values.astype(np.float64)
    relations = linked.relations.toarray()
    for _ in range(6):
        hidden = rng.random(linked.size) < 0.45
        cells = np.flatnonzero(hidden)
        solver = IntervalSolver(linked.relations, values, hidden, KnownBounds.exact(values))
        found = solver.intervals(cells)
        fresh = IntervalSolver(linked.relations, values, hidden, KnownBounds.exact(values))
        bounds = [(0, None) if h else (v, v) for h, v in zip(hidden, values, strict=True)]
        for cell, interval in zip(cells, found, strict=True):
            objective = np.zeros(linked.size)
            objective[cell] = 1.0
            zero = np.zeros(len(relations))
            low = so.linprog(objective, A_eq=relations, b_eq=zero, bounds=bounds)
            high = so.linprog(-objective, A_eq=relations, b_eq=zero, bounds=bounds)
            assert interval.lower == pytest.approx(low.fun, abs=1e-6)
            if high.status == 3:  # unbounded
                assert interval.upper == np.inf
            else:
                assert interval.upper == pytest.approx(-high.fun, abs=1e-6)
            # counts are whole numbers: exact when [ceil(min), floor(max)] is a point
            top = np.floor(interval.upper + 1e-6) if np.isfinite(interval.upper) else np.inf
            exact = top - np.ceil(interval.lower - 1e-6) < 1
            assert fresh.is_exact(int(cell)) == exact
            a = values[cell]
            assert fresh.reaches(int(cell), a + 2, a, 0) == (interval.upper >= a + 2 - 1e-6)
