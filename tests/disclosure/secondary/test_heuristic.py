from __future__ import annotations

import numpy as np
import pytest

from disclosure import DFE, ProtectionInfeasibleError, link_tables
from disclosure.primary import is_sensitive, upper_protection_levels
from disclosure.secondary.heuristic import heuristic_pattern

from ..cases import region_by_gender


def test_heuristic_finds_the_cheapest_rectangle() -> None:
    linked = link_tables([region_by_gender()])
    values = linked.values
    primary = is_sensitive(values, DFE)
    levels = upper_protection_levels(values, DFE).astype(float)
    forced = np.zeros(linked.size, dtype=bool)
    pattern = heuristic_pattern(
        linked.relations, values, primary, levels, forced, values + 1.0, slack=100.0
    )
    assert sorted(linked.label(i) for i in np.flatnonzero(pattern)) == [
        "gender=female, region=A", "gender=female, region=C",
        "gender=male, region=A", "gender=male, region=C",
    ]  # fmt: skip


def test_heuristic_reports_a_primary_that_cannot_be_hidden() -> None:
    linked = link_tables([region_by_gender()])
    values = linked.values
    primary = is_sensitive(values, DFE)
    levels = upper_protection_levels(values, DFE).astype(float)
    forced = ~primary  # nothing else may be suppressed
    with pytest.raises(ProtectionInfeasibleError, match="region=A"):
        heuristic_pattern(
            linked.relations,
            values,
            primary,
            levels,
            forced,
            values + 1.0,
            slack=100.0,
            labels=[linked.label(i) for i in range(linked.size)],
        )
