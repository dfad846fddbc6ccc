"""The small-denominator rule for rates (reason "rate"), checked by hand."""

from __future__ import annotations

import polars as pl

from disclosure import Dimension, Profile, Table, protect
from disclosure.primary import primary_cells


def results() -> Table:
    school = Dimension("school", "LA", {"A": "LA", "B": "LA"})
    outcome = Dimension.flat("outcome", ["reached", "not_reached"])
    leaves = pl.DataFrame(
        {
            "school": ["A", "A", "B", "B"],
            "outcome": ["reached", "not_reached", "reached", "not_reached"],
            "value": [4, 1, 20, 12],
        }
    )
    return Table.from_leaf_cells("ks2", leaves, [school, outcome], attribute="outcome")


def test_numerators_of_a_small_denominator_are_primary() -> None:
    # school A has 5 pupils (< 6): both its numerators; B (32) and the LA (37) are fine
    cells = primary_cells(results(), Profile("r", threshold=1, min_denominator=6))
    marked = cells.filter(pl.col("status") == "primary")
    assert marked.select("school", "outcome", "reason", "upl", "lpl").rows() == [
        ("A", "not_reached", "rate", 1, 1),
        ("A", "reached", "rate", 1, 1),
    ]


def test_rule_is_off_without_an_attribute_or_a_minimum() -> None:
    plain = results().with_attribute(None)
    assert set(primary_cells(plain, Profile("r", threshold=1, min_denominator=6))["status"]) == {
        "safe"
    }
    assert set(primary_cells(results(), Profile("r", threshold=1))["status"]) == {"safe"}


def test_a_small_count_keeps_the_frequency_reason_and_the_larger_level() -> None:
    cells = primary_cells(results(), Profile("r", threshold=3, min_denominator=6))
    row = cells.filter((pl.col("school") == "A") & (pl.col("outcome") == "not_reached"))
    assert row.select("reason", "upl", "lpl").rows() == [("freq", 2, 1)]


def test_protected_table_passes_the_audit() -> None:
    profile = Profile("r", threshold=1, min_denominator=6)
    protection = protect([results()], profile)
    assert protection.audit.passed
    frame = protection.tables["ks2"]
    hidden = frame.filter(pl.col("school") == "A", pl.col("outcome") != "Total")
    assert set(hidden["published"]) == {"c"}
