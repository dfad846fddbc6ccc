from __future__ import annotations

import numpy as np
import pytest

from disclosure import DFE, ProtectionInfeasibleError, link_tables
from disclosure.levels import ProtectionLevels
from disclosure.primary import is_sensitive, upper_protection_levels
from disclosure.secondary.heuristic import heuristic_pattern, required_moves

from ..cases import region_by_gender


def test_heuristic_finds_the_cheapest_rectangle() -> None:
    linked = link_tables([region_by_gender()])
    values = linked.values
    primary = is_sensitive(values, DFE)
    levels = ProtectionLevels.upper_only(primary, upper_protection_levels(values, DFE))
    forced = np.zeros(linked.size, dtype=bool)
    pattern = heuristic_pattern(linked.relations, values, levels, forced, values + 1.0, slack=100.0)
    assert sorted(linked.label(i) for i in np.flatnonzero(pattern)) == [
        "gender=female, region=A", "gender=female, region=C",
        "gender=male, region=A", "gender=male, region=C",
    ]  # fmt: skip


def test_heuristic_reports_a_primary_that_cannot_be_hidden() -> None:
    linked = link_tables([region_by_gender()])
    values = linked.values
    primary = is_sensitive(values, DFE)
    levels = ProtectionLevels.upper_only(primary, upper_protection_levels(values, DFE))
    forced = ~primary  # nothing else may be suppressed
    with pytest.raises(ProtectionInfeasibleError, match="region=A"):
        heuristic_pattern(
            linked.relations,
            values,
            levels,
            forced,
            values + 1.0,
            slack=100.0,
            labels=[linked.label(i) for i in range(linked.size)],
        )


def test_required_moves_widen_to_the_sliding_level() -> None:
    primary = np.array([True])
    values = np.array([2])
    both = ProtectionLevels(primary, np.array([1.0]), np.array([5.0]), np.array([6.0]))
    assert required_moves(both, values, 0) == [(4.0,), (-2.0,)]  # lower capped at the value 2
    sliding = ProtectionLevels(primary, np.zeros(1), np.zeros(1), np.array([1.0]))
    assert required_moves(sliding, values, 0) == [(1.0,)]


def test_alternative_levels_are_one_move_with_two_options() -> None:
    # a count of 2 under threshold 3: up to 3 (move +1) or down to 0 (move -2)
    zero = np.zeros(1)
    either = ProtectionLevels(np.array([True]), zero, zero, zero, np.array([1.0]), np.array([2.0]))
    assert required_moves(either, np.array([2]), 0) == [(1.0, -2.0)]
