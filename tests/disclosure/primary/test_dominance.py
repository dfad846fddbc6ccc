"""(n,k)-dominance rule: Hundepool et al. (2012), section 4.2.1 example 1 and 4.2.2 example 4,
worked by hand."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from disclosure import Dimension, Profile, Table, TableError
from disclosure.primary import primary_cells
from disclosure.primary.dominance import dominance_levels, dominance_sensitive


def test_example_4_one_85_rule_and_its_protection_level() -> None:
    # X = 330 from 300, 20, 10: 300 > 0.85 * 330 = 280.5, so unsafe; the upper bound must reach
    # 100/85 * 300 = 352.94, i.e. 22.94 above the value
    totals, largest = np.array([330]), np.array([[300, 20, 10]])
    assert dominance_sensitive(totals, largest, 1, 85).tolist() == [True]
    assert dominance_levels(totals, largest, 1, 85)[0] == pytest.approx(352.941176 - 330)


def test_example_1_one_90_rule_misses_the_second_largest_contributor() -> None:
    # X = 100,000 with 50,000 and 49,000: 50,000 < 90,000, safe under (1, 90)
    totals, largest = np.array([100_000]), np.array([[50_000, 49_000]])
    assert dominance_sensitive(totals, largest, 1, 90).tolist() == [False]
    # ... but (2, 90): 99,000 > 90,000, unsafe, L = 100/90 * 99,000 - 100,000 = 10,000
    assert dominance_sensitive(totals, largest, 2, 90).tolist() == [True]
    assert dominance_levels(totals, largest, 2, 90)[0] == pytest.approx(10_000)


def test_example_2_two_k_rule_with_k_from_p() -> None:
    # p = 10 gives k = 100 * 100 / 110 = 90.909...; X = 110,000 with 52,000 + 50,000 = 102,000
    # > 100,000: unsafe under (2, k), L = 1.1 * 102,000 - 110,000 = 2,200
    k = 100 * 100 / 110
    totals, largest = np.array([110_000]), np.array([[52_000, 50_000]])
    assert dominance_sensitive(totals, largest, 2, k).tolist() == [True]
    assert dominance_levels(totals, largest, 2, k)[0] == pytest.approx(2_200)


def test_boundary_is_safe_and_empty_cells_are_safe() -> None:
    # exactly k percent is not "more than k percent"
    totals, largest = np.array([100, 0]), np.array([[80, 20], [0, 0]])
    assert dominance_sensitive(totals, largest, 1, 80).tolist() == [False, False]


def firms() -> tuple[pl.DataFrame, list[Dimension]]:
    region = Dimension.flat("region", ["X", "Y"])
    frame = pl.DataFrame(
        {"region": ["X", "X", "X", "Y", "Y", "Y", "Y"], "turnover": [300, 20, 10, 40, 30, 20, 10]}
    )
    return frame, [region]


def test_rule_on_a_magnitude_table_marks_cells_with_rounded_up_levels() -> None:
    frame, dims = firms()
    table = Table.from_microdata("turnover", frame, dims, magnitude="turnover")
    cells = primary_cells(table, Profile("m", threshold=3, dominance_n=1, dominance_k=85))
    marked = cells.filter(pl.col("status") == "primary")
    # X: 300 of 330 (example 4); Y: 40 of 100 safe; Total: 300 of 430 = 70% safe
    assert marked.select("region", "value", "reason", "upl", "lpl").rows() == [
        ("X", 330, "nk", 23, 0)
    ]


def test_symmetric_protection_sets_the_lower_level_too() -> None:
    frame, dims = firms()
    table = Table.from_microdata("turnover", frame, dims, magnitude="turnover")
    profile = Profile("m", threshold=3, dominance_n=1, dominance_k=85, protection="symmetric")
    marked = primary_cells(table, profile).filter(pl.col("status") == "primary")
    assert marked.select("upl", "lpl", "spl").rows() == [(23, 23, 0)]


def test_rule_needs_enough_largest_contributions() -> None:
    frame, dims = firms()
    table = Table.from_microdata("turnover", frame, dims, magnitude="turnover", largest=2)
    with pytest.raises(TableError, match="needs 3"):
        primary_cells(table, Profile("m", threshold=3, dominance_n=3, dominance_k=90))


def test_count_tables_are_not_concentration_checked() -> None:
    frame, dims = firms()
    table = Table.from_microdata("firms", frame, dims)
    cells = primary_cells(table, Profile("m", threshold=3, dominance_n=1, dominance_k=10))
    assert set(cells["status"]) == {"safe"}
