"""Percentages and Wilson intervals from published figures (NHS rule)."""

from __future__ import annotations

import polars as pl
import pytest

from pipeline.release.rates import wilson_interval, with_prevalence


def test_wilson_interval_matches_the_ncmp_formula() -> None:
    lower, upper = wilson_interval([20.0], [100.0])
    # A = 40 + z^2, B = z sqrt(z^2 + 4*20*0.8), C = 2 (100 + z^2), z = 1.959964
    assert lower[0] == pytest.approx(0.133367, abs=1e-6)
    assert upper[0] == pytest.approx(0.288829, abs=1e-6)


def test_percentages_are_suppressed_with_either_input() -> None:
    published = pl.DataFrame(
        {
            "area": ["A", "A", "A", "B", "B", "C", "C"],
            "category": ["Total", "obese", "healthy", "Total", "obese", "Total", "obese"],
            "children": ["100", "20", "*", "*", "10", "0", "0"],
        }
    )
    out = with_prevalence(
        published,
        measure="children",
        dimensions=["area", "category"],
        category="category",
        denominator_code="Total",
        symbol="*",
    )
    rows = {(r["area"], r["category"]): r for r in out.iter_rows(named=True)}
    assert rows[("A", "obese")]["percentage"] == "20.0"
    assert (rows[("A", "obese")]["ci_lower"], rows[("A", "obese")]["ci_upper"]) == ("13.3", "28.9")
    assert rows[("A", "healthy")]["percentage"] == "*"
    assert rows[("B", "obese")]["ci_upper"] == "*"
    assert rows[("C", "obese")]["percentage"] == "z"
