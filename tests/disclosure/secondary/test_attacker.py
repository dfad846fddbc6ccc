from __future__ import annotations

import numpy as np

from disclosure import DFE, link_tables
from disclosure.primary import upper_protection_levels
from disclosure.secondary.attacker import AttackerModel

from ..cases import region_by_gender


def cell(linked, **coords: str) -> int:
    return linked.keys.index(tuple(sorted(coords.items())))


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
    protecting = alone.copy()
    for region, gender in [("A", "male"), ("C", "male"), ("C", "female")]:
        protecting[cell(linked, region=region, gender=gender)] = True
    assert cut.coefficients[protecting[cut.cells]].sum() >= level

    attacker.set_pattern(protecting)
    gain, _ = attacker.max_increase(a_female)
    assert gain == 10.0  # A-female can grow by C-female's 10
    assert attacker.max_decrease(a_female) == 2.0  # down to 0
