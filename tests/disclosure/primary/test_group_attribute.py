"""Group attribute disclosure: Hundepool et al. (2012), section 5.2, table "marital status by
hours worked" (married: 6 full time, 0 part time; divorced: 5 and 1, "within-group
disclosure"; single: 2 and 2), checked by hand."""

from __future__ import annotations

import polars as pl

from disclosure import Dimension, Profile, Table, protect
from disclosure.primary import primary_cells
from disclosure.primary.group_attribute import group_attribute_levels

HOURS = {
    ("married", "full"): 6,
    ("married", "part"): 0,
    ("divorced", "full"): 5,
    ("divorced", "part"): 1,
    ("single", "full"): 2,
    ("single", "part"): 2,
}


def marital_by_hours() -> Table:
    marital = Dimension.flat("marital", ["married", "divorced", "single"])
    hours = Dimension.flat("hours", ["full", "part"])
    leaves = pl.DataFrame(
        {
            "marital": [k[0] for k in HOURS],
            "hours": [k[1] for k in HOURS],
            "value": list(HOURS.values()),
        }
    )
    return Table.from_leaf_cells("hours", leaves, [marital, hours], attribute="hours")


def marked(profile: Profile) -> list[tuple[str, str, int, str, int]]:
    cells = primary_cells(marital_by_hours(), profile)
    return (
        cells.filter(pl.col("status") == "primary")
        .select("marital", "hours", "value", "reason", "upl")
        .rows()
    )


def test_all_in_one_category_protects_the_empty_complement() -> None:
    # married: all 6 full time; the zero must be able to reach 1 (threshold 1: no small counts)
    profile = Profile("g", threshold=1, group_attribute_max_total=10)
    assert marked(profile) == [("married", "part", 0, "group", 1)]


def test_all_but_one_is_the_within_group_case() -> None:
    # k = 1: married (6, 0) needs part >= 2; divorced (5, 1) needs part >= 2; single 2, 2 safe;
    # the hours total row (13, 3; N = 16) is larger than the groups checked
    profile = Profile("g", threshold=1, group_attribute_max_total=10, group_attribute_k=1)
    assert marked(profile) == [
        ("divorced", "part", 1, "group", 1),
        ("married", "part", 0, "group", 2),
    ]


def test_groups_above_the_maximum_are_not_checked() -> None:
    profile = Profile("g", threshold=1, group_attribute_max_total=5)
    assert marked(profile) == []


def test_levels_for_more_categories_and_tiny_groups() -> None:
    # 4 of 5 in the first of three categories, k = 1: protect the largest other category
    assert group_attribute_levels(5, [4, 1, 0], 1) == {1: 1.0}
    # a group no larger than k reveals "all but k" for every category
    assert group_attribute_levels(1, [1, 0], 1) == {1: 2.0, 0: 1.0}
    assert group_attribute_levels(4, [2, 2], 0) == {}
    assert group_attribute_levels(3, [3], 0) == {}


def test_protection_hides_what_proves_all_full_time() -> None:
    profile = Profile("g", threshold=1, group_attribute_max_total=10)
    protection = protect([marital_by_hours()], profile)
    assert protection.audit.passed
    frame = protection.tables["hours"]
    status = {(m, h): s for m, h, s in frame.select("marital", "hours", "status").iter_rows()}
    assert status[("married", "part")] == "primary"
    # with the group total or its full-time count published, the zero would be derivable
    assert status[("married", "full")] == "secondary" or status[("married", "Total")] != "safe"
    # the attacker's bound on the married part-timers reaches 1, so "all full time" is unproven
    row = protection.audit.intervals.filter(pl.col("cell") == "hours=part, marital=married")
    assert row["upper"][0] >= 1
