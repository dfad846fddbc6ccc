from __future__ import annotations

import numpy as np

from disclosure import link_tables
from disclosure.levels import ProtectionLevels
from disclosure.secondary.attacker import AttackerModel, upper_sides

from .cases import region_by_gender


def either_side_levels() -> ProtectionLevels:
    primary = np.array([True, True, True, False])
    zeros = np.zeros(4)
    return ProtectionLevels(
        primary,
        upper=zeros,
        lower=np.array([0.0, 0.0, 3.0, 0.0]),
        sliding=np.array([1.0, 1.0, 0.0, 0.0]),
        alt_upper=np.array([2.0, 1.0, 0.0, 0.0]),
        alt_lower=np.array([1.0, 2.0, 0.0, 0.0]),
    )


def test_on_sides_holds_each_either_side_cell_to_one_side() -> None:
    levels = either_side_levels()
    sided = levels.on_sides(np.array([True, False, True, True]))
    assert not sided.alternative.any()
    assert sided.upper.tolist() == [2.0, 0.0, 0.0, 0.0]
    assert sided.lower.tolist() == [0.0, 2.0, 3.0, 0.0]  # cell 2's own level is kept
    assert sided.sliding.tolist() == levels.sliding.tolist()
    assert np.array_equal(sided.primary, levels.primary)


def test_upper_sides_names_the_side_a_pattern_reaches() -> None:
    """sdcTable's region-by-gender table, (A, female) the one primary: hidden alone it is
    recomputed from its row and column (neither side reached); with sdcTable's optimal pattern
    (A and C, male and female) the attacker can move it up by one."""
    linked = link_tables([region_by_gender()])
    values = linked.values
    n = linked.size
    position = {linked.label(i): i for i in range(n)}
    cell = position["gender=female, region=A"]
    levels = ProtectionLevels(
        np.eye(n, dtype=bool)[cell],
        np.zeros(n),
        np.zeros(n),
        np.zeros(n),
        np.where(np.arange(n) == cell, 1.0, 0.0),
        np.where(np.arange(n) == cell, values[cell], 0.0),
    )
    attacker = AttackerModel(linked.relations, values, float(values.max()))
    alone = np.eye(n, dtype=bool)[cell]
    assert not upper_sides(attacker, alone, levels).any()
    pattern = alone.copy()
    for label in ("gender=male, region=A", "gender=female, region=C", "gender=male, region=C"):
        pattern[position[label]] = True
    assert np.flatnonzero(upper_sides(attacker, pattern, levels)).tolist() == [cell]


def test_upper_sides_keeps_the_smaller_move_when_both_sides_are_reached() -> None:
    """A count of 1 under threshold 3 may reach 3 (up 2) or 0 (down 1): when the pattern
    allows both, the side asking the smaller move is kept; for a count of 2, the upper one."""
    linked = link_tables([region_by_gender()])
    values = linked.values
    n = linked.size
    position = {linked.label(i): i for i in range(n)}
    cell = position["gender=female, region=A"]
    pattern = np.zeros(n, dtype=bool)
    for label in (
        "gender=female, region=A",
        "gender=male, region=A",
        "gender=female, region=C",
        "gender=male, region=C",
    ):
        pattern[position[label]] = True
    attacker = AttackerModel(linked.relations, values, float(values.max()))
    attacker.set_pattern(pattern)
    assert attacker.max_increase(cell)[0] >= 2 and attacker.max_decrease(cell)[0] >= 2

    def levels(up: float, down: float) -> ProtectionLevels:
        only = np.arange(n) == cell
        zeros = np.zeros(n)
        return ProtectionLevels(only, zeros, zeros, zeros, np.where(only, up, 0), only * down)

    assert not upper_sides(attacker, pattern, levels(2.0, 1.0))[cell]  # like a count of 1
    assert upper_sides(attacker, pattern, levels(1.0, 2.0))[cell]  # like a count of 2
