from __future__ import annotations

import numpy as np
import polars as pl

from disclosure import Dimension, Profile, Table, audit, protect
from disclosure.audit import UPPER
from disclosure.rounding import known_interval, published_text, round_half_up

NHS = Profile("nhs", threshold=8, symbol="*", zeros_safe=True, rounding_base=5)
NHS_UPPER = Profile(
    "nhs-upper", threshold=8, symbol="*", zeros_safe=True, rounding_base=5, frequency_sides="upper"
)


def test_round_half_up_to_base_five_and_zero_stays_zero() -> None:
    values = np.array([0, 8, 12, 13, 17, 18, 22, 25, 27, 28])
    assert round_half_up(values, 5).tolist() == [0, 10, 10, 15, 15, 20, 20, 25, 25, 30]
    assert round_half_up(np.array([5, 14, 15, 25]), 10).tolist() == [10, 10, 20, 30]  # halves up


def test_known_interval_of_a_published_rounded_count() -> None:
    low, high = known_interval(np.array([0, 10, 15, 40]), 5, 8, zeros_published=True)
    assert low.tolist() == [0, 8, 13, 38] and high.tolist() == [0, 12, 17, 42]


def test_published_text_rounds_or_shows_the_symbol() -> None:
    shown = published_text(np.array([3, 12, 0]), np.array([True, False, False]), "*", 5)
    assert shown == ["*", "10", "0"]


def ward_table(values: list[int]) -> Table:
    ward = Dimension.flat("ward", ["A", "B", "C"], total="LA")
    leaves = pl.DataFrame({"ward": ["A", "B", "C"], "value": values})
    return Table.from_leaf_cells("wards", leaves, [ward])


def test_nhs_profile_publishes_rounded_counts_and_stars() -> None:
    protection = protect([ward_table([3, 40, 52])], NHS)
    frame = protection.tables["wards"]
    shown = dict(frame.select("ward", "published").rows())
    assert shown["A"] == "*"
    assert protection.audit.passed and protection.audit.rounding_base == 5
    for ward, value in frame.select("ward", "value").rows():
        if shown[ward] != "*":
            assert int(shown[ward]) == round_half_up(np.array([value]), 5)[0]


def test_rounded_margins_pin_a_small_count_and_protection_adds_a_secondary() -> None:
    """A = 2, B = 8, C = 0, LA = 10: published B shows 10 (8..12), LA 10 (8..12), C 0, so the
    attacker knows A = LA - B - C lies in [0, 4]: never 8 or more. The upper protection level
    (t - a = 6, asked for by ``frequency_sides = "upper"``) is not reached, the audit with
    the protection's levels says so, and protection adds a secondary suppression that lets A
    reach 8. Under the default ``"either"`` the interval [0, 4] is enough: it reaches 0."""
    table = ward_table([2, 8, 0])
    assert protect([table], NHS).audit.passed
    protection = protect([table], NHS_UPPER)
    primary_only = {
        "wards": table.cells.with_columns(pl.col("value").is_between(1, 7).alias("suppressed"))
    }
    alone = audit([table], primary_only, NHS_UPPER, levels=protection.levels)
    assert [(f.cell, f.lower, f.upper, f.rule) for f in alone.failures] == [
        ("ward=A", 0.0, 4.0, UPPER)
    ]
    assert any("published, known in [8, 12]" in c for c in alone.failures[0].pinned_by)
    assert protection.audit.passed, protection.audit.failures
    assert "secondary" in set(protection.tables["wards"]["status"])
    row = protection.audit.intervals.filter(pl.col("cell") == "ward=A")
    assert row["upper"].item() >= 8


def test_ward_and_la_tables_audited_together_under_rounding() -> None:
    """Two tables of one release (by ward, by ward x sex) share cells; the audit combines them
    and every suppressed cell stays out of reach of 1..7."""
    ward = Dimension.flat("ward", ["A", "B"], total="LA")
    sex = Dimension.flat("sex", ["F", "M"])
    leaves = pl.DataFrame(
        {"ward": ["A", "A", "B", "B"], "sex": ["F", "M"] * 2, "value": [2, 30, 14, 19]}
    )
    by_sex = Table.from_leaf_cells("by_sex", leaves, [ward, sex])
    by_ward = Table.from_leaf_cells(
        "by_ward", leaves.group_by("ward").agg(pl.col("value").sum()), [ward]
    )
    protection = protect([by_ward, by_sex], NHS)
    assert protection.audit.passed, protection.audit.failures
    for row in protection.audit.intervals.iter_rows(named=True):
        assert not (row["lower"] >= 1 and row["upper"] <= 7)
