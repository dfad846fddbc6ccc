"""Protecting the linked health tables: split under NHS England's rounding rule, whole otherwise.

The acceptance attack on a real release (ward and LA tables published together) is in
tests/flows/test_ccg_health.py; here the protection itself, on seeded synthetic tables.
"""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from disclosure import Dimension, Table, audit
from pipeline.profiles import load_profile
from pipeline.releases.ccg_health.protection import JOINT_MAX_CODES, layout, protect_health_tables
from tests.pipeline.releases.ccg_health.conftest import Protected, synthetic_tables

NHS = load_profile("nhs")


def test_large_breakdowns_are_protected_by_slice_and_audited_with_everything(
    nhs_protected: Protected,
) -> None:
    tables, protection = nhs_protected.tables, nhs_protected.protection
    assert protection.stats["protected_by_slice"] == ["ward"]
    assert protection.stats["jointly_protected"] == ["la", "group"]
    assert protection.stats["slices"] == 15
    assert protection.audit.passed, protection.audit.markdown()
    # the audit of the returned pattern, run again from the frames alone, agrees
    again = audit(tables, protection.tables, NHS, levels=protection.levels)
    assert again.passed and again.intervals.height == protection.audit.intervals.height
    for frame in protection.tables.values():
        small = frame.filter(pl.col("value").is_between(1, 7))
        assert small.height and small["published"].eq("*").all()
        shown = frame.filter(pl.col("published") != "*")["published"].cast(pl.Int64)
        assert (shown % 5 == 0).all() and not shown.is_between(1, 7).any()
    # the LA cells are the same cells, with one status, in every table
    la = protection.tables["la"].select("school_year", "sex", "category", "status")
    for name in ("ward", "group"):
        total = protection.tables[name].filter(pl.col(name) == "Total")
        assert total.select(la.columns).equals(la)


def test_same_tables_give_the_same_pattern() -> None:
    tables = synthetic_tables(4, 500, {"ward": 13})
    first = protect_health_tables(tables, NHS)
    second = protect_health_tables(tables, NHS)
    for name, frame in first.tables.items():
        assert frame.equals(second.tables[name])


def test_a_breakdown_failing_the_full_audit_is_protected_jointly() -> None:
    """Seed 0 with four areas protected slice by slice is pinned by differencing across the
    areas (found by search); the area table is then protected jointly and passes."""
    tables = synthetic_tables(0, 400, {"area": 4})
    protection = protect_health_tables(tables, NHS, joint_max_codes=0)
    assert protection.notes == (
        "the full audit failed in area: protected jointly with the LA table instead of slice "
        "by slice",
    )
    assert protection.stats["jointly_protected"] == ["la", "area"]
    assert protection.stats["protected_by_slice"] == []
    assert protection.audit.passed
    assert JOINT_MAX_CODES >= 6  # IDACI quintiles (5 + total) are protected jointly


def test_exact_profiles_protect_the_linked_problem_whole() -> None:
    tables = synthetic_tables(3, 1_500, {"ward": 15, "group": 5})
    protection = protect_health_tables(tables, load_profile("dfe"))
    assert protection.audit.passed
    assert protection.method == "heuristic"
    for frame in protection.tables.values():
        shown = frame.filter(pl.col("published") != "c")
        assert (shown["published"].cast(pl.Int64) == shown["value"]).all()
        assert not frame.filter(pl.col("value").is_between(1, 2))["published"].ne("c").any()


def test_layout_refuses_tables_that_are_not_breakdowns_of_one_table() -> None:
    year = Dimension.flat("year", ["R", "6"])
    other = Dimension.flat("other", ["a", "b"])
    base = Table("base", [year], np.array([3, 1, 2]))
    with pytest.raises(ValueError, match="exactly one table"):
        layout([base, Table("wrong", [other], np.array([3, 1, 2]))])
    with pytest.raises(ValueError, match="not a breakdown"):
        layout([base, Table("wrong", [year, other], np.array([[3, 1, 2]] * 3))])
    area = Dimension.flat("area", ["x", "y"])
    differs = Table("area", [area, year], np.array([[4, 2, 2], [3, 1, 2], [1, 1, 0]]))
    with pytest.raises(ValueError, match="total slice differs"):
        layout([base, differs])
