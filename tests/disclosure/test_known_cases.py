"""Published test cases, rebuilt from their numbers (see tests/disclosure/cases.py for the
sources): every method reproduces the published patterns and the audit the published
intervals."""

from __future__ import annotations

import polars as pl
import pytest

from disclosure import DFE, Profile, audit, protect
from disclosure.audit import EXACT

from .cases import (
    FOUR_BY_FOUR_SUPPRESSED,
    four_by_four,
    linked_region_tables,
    mask,
    region_by_gender,
    two_by_two,
)

METHODS = ["optimal", "modular", "heuristic"]


def hidden(frame: pl.DataFrame, names: list[str]) -> set[tuple[str, ...]]:
    rows = frame.filter(pl.col("status").is_in(["primary", "secondary"])).select(names).rows()
    return {tuple(r) for r in rows}


def interval(report, cell: str) -> tuple[float, float]:
    row = report.intervals.filter(pl.col("cell") == cell)
    return row["lower"].item(), row["upper"].item()


@pytest.mark.parametrize("method", METHODS)
def test_sdctable_protect_table_region_by_gender(method: str) -> None:
    """sdcTable test-protectTable.r: (A, female) = 2 is the only primary; OPT, HITAS and
    SIMPLEHEURISTIC suppress A-male, A-female, C-male, C-female (C is the cheapest partner)."""
    protection = protect([region_by_gender()], DFE, method=method)  # type: ignore[arg-type]
    frame = protection.tables["region_by_gender"]
    assert hidden(frame, ["region", "gender"]) == {
        ("A", "male"), ("A", "female"), ("C", "male"), ("C", "female"),
    }  # fmt: skip
    assert protection.audit.passed
    assert interval(protection.audit, "gender=female, region=A") == (0.0, 12.0)


def test_sdctable_simpleheuristic_audit_catches_the_recoverable_cell() -> None:
    """sdcTable test-simpleheuristic.R: 9 suppressions, two or more in every row and column,
    yet rows w + x minus columns a + c give (w, b) = 236 - 189 = 47."""
    table = four_by_four()
    report = audit([table], {table.name: mask(table, FOUR_BY_FOUR_SUPPRESSED)}, DFE)
    assert [(f.cell, f.value, f.lower, f.upper, f.rule) for f in report.failures] == [
        ("v1=w, v2=b", 47, 47.0, 47.0, EXACT)
    ]
    evidence = " ".join(report.failures[0].relations)
    for relation in ("(v1=w)", "(v1=x)", "(v2=a)", "(v2=c)"):
        assert relation in evidence  # the two rows and two columns that pin it down
    assert report.as_dict()["failed_cells"][0]["relations"]


@pytest.mark.parametrize("method", METHODS)
def test_sdctable_simpleheuristic_protection_adds_one_suppression(method: str) -> None:
    """The 9 cells requested suppressed (sdcTable's manual primaries ``u``): protection adds
    exactly one more suppression and (w, b) is no longer recoverable. sdcTable's current test
    adds (x, b) and attacks (w, b) to [0, 141]; the cheaper (x, d) = 31 gives [0, 78], the
    interval an earlier sdcTable version reported."""
    table = four_by_four()
    requested = {table.name: mask(table, FOUR_BY_FOUR_SUPPRESSED)}
    protection = protect([table], DFE, method=method, requested=requested)  # type: ignore[arg-type]
    frame = protection.tables[table.name]
    added = hidden(frame, ["v1", "v2"]) - set(FOUR_BY_FOUR_SUPPRESSED)
    assert protection.audit.passed
    assert len(added) == 1
    assert set(frame.filter(pl.col("status") == "primary")["reason"]) == {"request"}
    low, high = interval(protection.audit, "v1=w, v2=b")
    assert low == 0.0 and high > 47.0
    if method == "optimal":
        assert added == {("x", "d")} and high == 78.0
        sdctable = audit(
            [table], {table.name: mask(table, [*FOUR_BY_FOUR_SUPPRESSED, ("x", "b")])}, DFE
        )
        assert interval(sdctable, "v1=w, v2=b") == (0.0, 141.0)


def test_sdctable_linked_tables_differencing() -> None:
    """sdcTable test-linked-tables.r: each table protected alone passes its own audit, but
    county-1 minus small gives K from A + B; protected together N is suppressed in both."""
    by_county, by_size = linked_region_tables()
    profile = Profile("max3", threshold=4)  # sdcTable's freq rule maxN = 3
    alone = {t.name: protect([t], profile) for t in (by_county, by_size)}
    assert all(p.audit.passed for p in alone.values())
    combined = audit(
        [by_county, by_size], {name: p.tables[name] for name, p in alone.items()}, profile
    )
    assert [(f.cell, f.lower, f.upper) for f in combined.failures] == [("region=K", 3.0, 3.0)]
    for method in METHODS:
        linked = protect([by_county, by_size], profile, method=method)  # type: ignore[arg-type]
        assert linked.audit.passed
        for frame in linked.tables.values():
            assert frame.filter(pl.col("status") == "secondary")["region"].to_list() == ["N"]


def test_tau_argus_manual_audit_example() -> None:
    """tau-ARGUS manual 4.1, section 2.15: a 2x2 table with all inner cells suppressed and the
    margins published; the audit gives X11 in [3, 6]."""
    table = two_by_two()
    inner = [("1", "1"), ("1", "2"), ("2", "1"), ("2", "2")]
    report = audit([table], {table.name: mask(table, inner)}, DFE)
    assert interval(report, "col=1, row=1") == (3.0, 6.0)
    assert interval(report, "col=2, row=1") == (0.0, 3.0)
    assert interval(report, "col=1, row=2") == (2.0, 5.0)
    assert interval(report, "col=2, row=2") == (0.0, 3.0)
    assert report.passed
