"""The manifest records every primary rule setting of the release profile."""

from __future__ import annotations

import json

from disclosure import DFE, Profile
from pipeline.release.manifest import profile_entry, table_entry

RULES = {
    "dominance_n": 2,
    "dominance_k": 85.0,
    "p_percent": 10.0,
    "frequency_range": None,
    "min_denominator": 6,
    "group_attribute_max_total": 10,
    "group_attribute_k": 1,
    "protection": "symmetric",
    "frequency_sides": "upper",
}


def test_profile_entry_lists_the_primary_rules() -> None:
    entry = profile_entry(Profile("strict", threshold=3, **RULES))  # type: ignore[arg-type]
    assert {k: entry[k] for k in RULES} == RULES
    assert entry["threshold"] == 3 and entry["rounding_base"] is None
    json.dumps(entry)


def test_rules_that_are_off_are_null_and_tables_carry_them() -> None:
    entry = table_entry(
        name="t",
        file="t.csv",
        sha256="0" * 64,
        dimensions=(),
        measure="pupils",
        profile=DFE,
        summary={"cells": 1},
    )
    assert entry["primary_rules"] == {
        "dominance_n": None,
        "dominance_k": None,
        "p_percent": None,
        "frequency_range": None,
        "min_denominator": None,
        "group_attribute_max_total": None,
        "group_attribute_k": 0,
        "protection": "upper",
        "frequency_sides": "either",
    }
    assert entry["rounding_base"] is None and entry["cells"] == 1
