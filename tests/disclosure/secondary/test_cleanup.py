from __future__ import annotations

import numpy as np

from disclosure import DFE, link_tables
from disclosure.primary import is_sensitive
from disclosure.secondary.cleanup import drop_derivable_secondaries, exactly_derivable

from ..cases import region_by_gender


def test_derivable_secondary_is_published_again() -> None:
    linked = link_tables([region_by_gender()])
    primary = is_sensitive(linked.values, DFE)
    pattern = primary.copy()
    labels = [linked.label(i) for i in range(linked.size)]
    for name in [
        "gender=male, region=A", "gender=male, region=C", "gender=female, region=C",
        "region=D",  # D's total: D-male and D-female are published, so it adds nothing
    ]:  # fmt: skip
        pattern[labels.index(name)] = True
    cleaned, dropped = drop_derivable_secondaries(linked.relations, linked.values, pattern, primary)
    assert [labels[i] for i in dropped] == ["region=D"]
    assert cleaned.sum() == 4
    assert not exactly_derivable(
        linked.relations, linked.values, cleaned, np.flatnonzero(cleaned)
    ).any()
