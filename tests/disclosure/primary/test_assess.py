"""Combining the primary rules over linked tables (reason priority, largest level per side,
requested cells) and turning required levels into upper, lower or sliding levels."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from disclosure import Dimension, Profile, Table, link_tables
from disclosure.primary import REQUESTED, RuleCells, assess_primary


def outcome_table(name: str = "ks2") -> Table:
    school = Dimension.flat("school", ["A", "B"], total="LA")
    outcome = Dimension.flat("outcome", ["reached", "not_reached"])
    leaves = pl.DataFrame(
        {
            "school": ["A", "A", "B", "B"],
            "outcome": ["reached", "not_reached", "reached", "not_reached"],
            "value": [0, 2, 9, 7],
        }
    )
    return Table.from_leaf_cells(name, leaves, [school, outcome], attribute="outcome")


def levels_of(
    profile: Profile, requested: dict[str, object] | None = None
) -> dict[str, tuple[str | None, float, float, float, float, float]]:
    """Per primary cell: reason, upper, lower, sliding, alternative upper and lower."""
    table = outcome_table()
    linked = link_tables([table])
    reasons, levels = assess_primary([table], linked, profile, requested)
    return {
        linked.label(i): (
            reasons[i],
            levels.upper[i],
            levels.lower[i],
            levels.sliding[i],
            levels.alt_upper[i],
            levels.alt_lower[i],
        )
        for i in range(linked.size)
        if levels.primary[i]
    }


def test_rules_combine_with_the_first_reason_and_the_largest_levels() -> None:
    # school A: 2 pupils, none reached. freq marks not_reached and A's total (2 < 3: reach 3
    # or 0, alternative levels 1 and 2); the group rule (N = 2, all in not_reached) marks
    # reached (UPL 1); the rate rule (N = 2 < 5) marks both outcomes with upper 1 and lower
    # min(1, a)
    profile = Profile("p", threshold=3, group_attribute_max_total=5, min_denominator=5)
    assert levels_of(profile) == {
        "school=A": ("freq", 0.0, 0.0, 0.0, 1.0, 2.0),
        "outcome=not_reached, school=A": ("freq", 1.0, 1.0, 0.0, 1.0, 2.0),
        "outcome=reached, school=A": ("rate", 1.0, 0.0, 0.0, 0.0, 0.0),
    }


def test_requested_cells_are_primary_with_sliding_level_one() -> None:
    mask = np.zeros(outcome_table().size, dtype=bool)
    mask[2 * 3 + 1] = True  # (B, not_reached) = 7: school B, outcome codes Total, not_, reached
    found = levels_of(Profile("p", threshold=3), {"ks2": mask})
    assert found["outcome=not_reached, school=B"] == (REQUESTED, 0.0, 0.0, 1.0, 0.0, 0.0)


def test_a_cell_shared_by_linked_tables_takes_every_tables_requirement() -> None:
    # the same cells in two tables, only one of which declares the attribute
    with_attribute = outcome_table("a")
    without = outcome_table("b").with_attribute(None)
    linked = link_tables([with_attribute, without])
    profile = Profile("p", threshold=1, group_attribute_max_total=5)
    reasons, levels = assess_primary([with_attribute, without], linked, profile)
    marked = [linked.label(i) for i in np.flatnonzero(levels.primary)]
    assert marked == ["outcome=reached, school=A"]
    assert reasons[levels.primary].tolist() == ["group"]


def test_unknown_requested_table_is_an_error() -> None:
    with pytest.raises(KeyError, match="nope"):
        levels_of(Profile("p", threshold=3), {"nope": [True]})


@pytest.mark.parametrize(
    ("mode", "expected"),
    [
        ("upper", ([2.0, 3.0], [0.0, 0.0], [0.0, 0.0])),
        ("symmetric", ([2.0, 3.0], [2.0, 1.0], [0.0, 0.0])),
        ("sliding", ([0.0, 0.0], [0.0, 0.0], [2.0, 3.0])),
    ],
)
def test_protection_modes_round_levels_up(
    mode: str, expected: tuple[list[float], list[float], list[float]]
) -> None:
    # required 1.2 and 2.5 become 2 and 3; the symmetric lower level stops at the value (1)
    cells = RuleCells.directed("p", np.array([0, 1]), np.array([1.2, 2.5]), np.array([10, 1]), mode)  # type: ignore[arg-type]
    assert (cells.upper.tolist(), cells.lower.tolist(), cells.sliding.tolist()) == expected
