"""p% rule: Hundepool et al. (2012), section 4.2.1 examples 1 and 2 and the 4.2.2 protection
level (example 5), worked by hand."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from disclosure import Dimension, Profile, Table, TableError
from disclosure.primary import primary_cells
from disclosure.primary.p_percent import p_percent_levels, p_percent_sensitive


def test_example_1_is_sensitive_under_p_10() -> None:
    # X - x1 - x2 = 1,000 < 10% of 50,000: the second largest estimates x1 within 2%
    totals, largest = np.array([100_000]), np.array([[50_000, 49_000]])
    assert p_percent_sensitive(totals, largest, 10).tolist() == [True]
    assert p_percent_levels(totals, largest, 10)[0] == pytest.approx(5_000 - 1_000)


def test_example_2_is_safe_under_p_10() -> None:
    # X - x2 = 60,000 overestimates x1 = 52,000 by 15.4%: 8,000 >= 5,200
    totals, largest = np.array([110_000]), np.array([[52_000, 50_000]])
    assert p_percent_sensitive(totals, largest, 10).tolist() == [False]
    assert p_percent_levels(totals, largest, 10)[0] == 0


def test_a_single_contributor_needs_p_percent_of_itself() -> None:
    totals, largest = np.array([200, 0]), np.array([[200, 0], [0, 0]])
    assert p_percent_sensitive(totals, largest, 15).tolist() == [True, False]
    assert p_percent_levels(totals, largest, 15).tolist() == [30, 0]


def test_rule_on_a_magnitude_table() -> None:
    region = Dimension.flat("region", ["X", "Y"])
    frame = pl.DataFrame(
        {"region": ["X", "X", "X", "Y", "Y", "Y"], "amount": [60, 35, 5, 50, 30, 20]}
    )
    table = Table.from_microdata("amounts", frame, [region], magnitude="amount")
    marked = primary_cells(table, Profile("m", threshold=3, p_percent=10)).filter(
        pl.col("status") == "primary"
    )
    # X: 5 < 6, L = 1; Y: 20 >= 5 safe; Total 200: 200 - 60 - 50 = 90 >= 6 safe
    assert marked.select("region", "reason", "upl").rows() == [("X", "p", 1)]
    sliding = Profile("m", threshold=3, p_percent=10, protection="sliding")
    assert primary_cells(table, sliding).filter(pl.col("reason") == "p")["spl"].to_list() == [1]


def test_rule_needs_two_largest_contributions() -> None:
    region = Dimension.flat("region", ["X"])
    frame = pl.DataFrame({"region": ["X"], "amount": [5]})
    table = Table.from_microdata("amounts", frame, [region], magnitude="amount", largest=1)
    with pytest.raises(TableError, match="two largest"):
        primary_cells(table, Profile("m", threshold=3, p_percent=10))
