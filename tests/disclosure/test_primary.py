from __future__ import annotations

import numpy as np

from disclosure import Profile, primary_cells
from disclosure.primary import sensitive_reasons, upper_protection_levels

from .cases import region_by_gender


def test_threshold_rule_marks_counts_one_to_threshold_minus_one() -> None:
    values = np.array([0, 1, 2, 3, 4, 10])
    dfe = Profile("dfe", threshold=3)
    assert sensitive_reasons(values, dfe).tolist() == [None, "freq", "freq", None, None, None]
    assert upper_protection_levels(values, dfe).tolist() == [0, 2, 1, 0, 0, 0]


def test_zeros_are_primary_when_disclosive() -> None:
    values = np.array([0, 1, 5])
    strict = Profile("strict", threshold=5, zeros_safe=False)
    assert sensitive_reasons(values, strict).tolist() == ["zero", "freq", None]
    assert upper_protection_levels(values, strict).tolist() == [1, 4, 0]


def test_primary_cells_of_the_sdctable_example() -> None:
    cells = primary_cells(region_by_gender(), Profile("dfe", threshold=3))
    primary = cells.filter(cells["status"] == "primary")
    assert primary.select("region", "gender", "value", "reason", "upl").rows() == [
        ("A", "female", 2, "freq", 1)
    ]
