from __future__ import annotations

import numpy as np

from disclosure import DFE, link_tables
from disclosure.levels import KnownBounds, ProtectionLevels
from disclosure.primary import upper_protection_levels
from disclosure.secondary.attacker import AttackerModel

from ..cases import region_by_gender


def cell(linked, **coords: str) -> int:
    return linked.keys.index(tuple(sorted(coords.items())))


def protecting_pattern(linked) -> np.ndarray:
    pattern = np.zeros(linked.size, dtype=bool)
    for region in "AC":
        for gender in ("male", "female"):
            pattern[cell(linked, region=region, gender=gender)] = True
    return pattern


def test_attacker_bounds_and_benders_cut() -> None:
    linked = link_tables([region_by_gender()])
    values = linked.values
    a_female = cell(linked, region="A", gender="female")
    level = float(upper_protection_levels(values, DFE)[a_female])
    attacker = AttackerModel(linked.relations, values, slack=100.0)

    alone = np.zeros(linked.size, dtype=bool)
    alone[a_female] = True
    attacker.set_pattern(alone)
    gain, duals = attacker.max_increase(a_female)
    assert gain == 0.0  # the only suppressed cell of its row and column: recovered exactly
    cut = attacker.cut(a_female, level, duals, gain)
    assert cut.level == level == 1.0
    # violated by the current pattern ...
    assert cut.coefficients[np.isin(cut.cells, np.flatnonzero(alone))].sum() < level
    # ... satisfied by sdcTable's protecting pattern
    protecting = protecting_pattern(linked)
    assert cut.coefficients[protecting[cut.cells]].sum() >= level

    attacker.set_pattern(protecting)
    gain, _ = attacker.max_increase(a_female)
    assert gain == 10.0  # A-female can grow by C-female's 10
    assert attacker.max_decrease(a_female)[0] == 2.0  # down to 0


def test_lower_and_sliding_levels_give_violated_cuts() -> None:
    linked = link_tables([region_by_gender()])
    values = linked.values
    a_female = cell(linked, region="A", gender="female")
    primary = np.zeros(linked.size, dtype=bool)
    primary[a_female] = True
    zeros = np.zeros(linked.size)
    lower = zeros.copy()
    lower[a_female] = 2.0
    sliding = zeros.copy()
    sliding[a_female] = 5.0
    levels = ProtectionLevels(primary, zeros, lower, sliding)
    attacker = AttackerModel(linked.relations, values, slack=100.0)
    attacker.set_pattern(primary)
    cuts = attacker.violated_cuts(a_female, levels)
    assert [c.level for c in cuts] == [2.0, 5.0]  # lower, then sliding
    protecting = protecting_pattern(linked)
    for c in cuts:  # every cut holds at a protecting pattern, fails at the current one
        assert c.coefficients[protecting[c.cells]].sum() >= c.level
        assert c.coefficients[primary[c.cells]].sum() < c.level
    attacker.set_pattern(protecting)
    assert attacker.violated_cuts(a_female, levels) == []


def test_rounded_neighbours_leave_room_without_suppression() -> None:
    """A cell whose row partners are published rounded (+-2) can move without secondaries:
    its bounds come from the rounding intervals, and the cut's constant says so."""
    linked = link_tables([region_by_gender()])
    values = linked.values.astype(float)
    a_female = cell(linked, region="A", gender="female")
    known = KnownBounds(values - 2.0, values + 2.0)
    attacker = AttackerModel(linked.relations, linked.values, slack=100.0, known=known)
    alone = np.zeros(linked.size, dtype=bool)
    alone[a_female] = True
    attacker.set_pattern(alone)
    gain, _ = attacker.max_increase(a_female)
    assert gain == 4.0  # A total up 2, A-male down 2
    levels = ProtectionLevels.upper_only(alone, np.where(alone, 3.0, 0.0))
    assert attacker.violated_cuts(a_female, levels) == []
