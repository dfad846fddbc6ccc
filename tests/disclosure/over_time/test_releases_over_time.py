"""Two releases of one population: the difference rule and the joint audit.

A pupil removed between two releases of school x FSM and school x SEN tables is read off the
pair when the second release is protected alone; protected against the first release, the
pair discloses nothing, and random removals on random tables confirm it (hypothesis).
"""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from disclosure import DFE, Dimension, Table, audit, protect
from disclosure.over_time import (
    EarlierRelease,
    difference_requirements,
    joint_audit,
    protect_over_time,
)

SCHOOL = Dimension.flat("school", ["A", "B", "C", "D"], total="Total")
FSM = Dimension.flat("fsm", ["Y", "N"], total="Total")
SEN = Dimension.flat("sen", ["E", "K", "N"], total="Total")
ATTRIBUTES = {"by_fsm": ["fsm"], "by_sen": ["sen"]}


def pupils(n: int, seed: int) -> pl.DataFrame:
    rng = np.random.default_rng(seed)
    return pl.DataFrame(
        {
            "school": rng.choice(["A", "B", "C", "D"], n),
            "fsm": rng.choice(["Y", "N"], n, p=[0.3, 0.7]),
            "sen": rng.choice(["E", "K", "N"], n, p=[0.05, 0.15, 0.8]),
        }
    )


def tables(frame: pl.DataFrame) -> list[Table]:
    return [
        Table.from_microdata("by_fsm", frame, (SCHOOL, FSM)),
        Table.from_microdata("by_sen", frame, (SCHOOL, SEN)),
    ]


def without(frame: pl.DataFrame, rows: list[int]) -> pl.DataFrame:
    return frame.with_row_index().filter(~pl.col("index").is_in(rows)).drop("index")


@pytest.fixture(scope="module")
def pair() -> tuple[list[Table], EarlierRelease]:
    """A first release, and the tables after the first pupil with an EHC plan left."""
    first = pupils(400, seed=3)
    old = tables(first)
    leaver = first.with_row_index().filter(pl.col("sen") == "E")["index"][0]
    earlier = EarlierRelease("first", old, protect(old, DFE), DFE, change="removals")
    return tables(without(first, [leaver])), earlier


def test_protected_alone_the_second_release_shows_the_leavers_attributes(
    pair: tuple[list[Table], EarlierRelease],
) -> None:
    new, earlier = pair
    alone = protect(new, DFE)
    assert audit(new, alone, DFE).passed  # each release passes its own audit
    report = joint_audit(new, alone, DFE, [earlier], ATTRIBUTES)
    assert not report.passed
    pinned = {f.cell for f in report.findings if f.rule.startswith("change")}
    assert "sen=E" in pinned  # the LA's EHC count fell by exactly one


def test_the_difference_rule_asks_for_levels_relative_to_the_first_release(
    pair: tuple[list[Table], EarlierRelease],
) -> None:
    new, earlier = pair
    required = difference_requirements(new, [earlier], DFE, ATTRIBUTES)
    sen = required["by_sen"]
    assert set(zip(sen["school"], sen["sen"], strict=True)) >= {("Total", "E")}
    # a removal of one: the change reaches 0 (upper level 1) or -t (lower level t - 1)
    row = sen.filter((pl.col("school") == "Total") & (pl.col("sen") == "E"))
    assert row["alt_upper"][0] == 1 and row["alt_lower"][0] == DFE.threshold - 1
    assert "by_fsm" in required  # the leaver's FSM group changed by one too


def test_protected_against_the_first_release_the_pair_discloses_nothing(
    pair: tuple[list[Table], EarlierRelease],
) -> None:
    new, earlier = pair
    result = protect_over_time(new, DFE, [earlier], ATTRIBUTES)
    assert result.joint.passed, result.joint.findings
    assert audit(new, result.protection, DFE, required=result.required).passed


def test_no_change_needs_nothing_more(pair: tuple[list[Table], EarlierRelease]) -> None:
    _, earlier = pair
    same = list(earlier.tables)
    result = protect_over_time(same, DFE, [earlier], ATTRIBUTES)
    assert result.required == {} and not result.carried_forward and result.joint.passed
    for name, frame in result.protection.tables.items():
        assert frame["status"].to_list() == earlier.suppressed.tables[name]["status"].to_list()


def test_a_change_of_at_least_the_threshold_everywhere_it_touches_is_free() -> None:
    first = pupils(400, seed=5)
    moved = first.with_row_index()
    # remove a whole group of threshold pupils who share school, FSM and SEN
    group = moved.filter(
        (pl.col("school") == "A") & (pl.col("fsm") == "N") & (pl.col("sen") == "N")
    )
    gone = group["index"].head(DFE.threshold).to_list()
    new = tables(without(first, gone))
    old = tables(first)
    earlier = EarlierRelease("first", old, protect(old, DFE), DFE, change="removals")
    assert difference_requirements(new, [earlier], DFE, ATTRIBUTES) == {}


def removal_case(seed: int) -> tuple[list[Table], EarlierRelease]:
    """A random borough of 60-400 pupils and the same after 1-3 random leavers."""
    rng = np.random.default_rng(seed)
    size, leavers = int(rng.integers(60, 400)), int(rng.integers(1, 4))
    first = pupils(size, seed)
    old = tables(first)
    earlier = EarlierRelease("first", old, protect(old, DFE), DFE, change="removals")
    gone = np.random.default_rng(seed + 1).choice(size, leavers, replace=False).tolist()
    return tables(without(first, gone)), earlier


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 10_000))
def test_a_pattern_the_joint_audit_passes_also_passes_the_release_s_own_audit(seed: int) -> None:
    """Safety: a release the joint audit lets through meets every requirement of its own
    audit too, the difference rule's levels included; one it stops would not be written."""
    new, earlier = removal_case(seed)
    result = protect_over_time(new, DFE, [earlier], ATTRIBUTES)
    if result.joint.passed:
        assert audit(new, result.protection, DFE, required=result.required).passed
    else:
        assert result.joint.findings


def test_random_removals_are_protected_not_refused() -> None:
    """Usefulness, measured on 40 fixed cases: every one is protected, none refused (23 need
    step 2, the earlier pattern and the changed places' breakdowns)."""
    cases = [removal_case(seed) for seed in range(40)]
    results = [protect_over_time(new, DFE, [earlier], ATTRIBUTES) for new, earlier in cases]
    assert all(r.joint.passed for r in results)
    assert 0 < sum(r.carried_forward for r in results) < len(results)
