"""The method notes in ``docs/methods/`` hold: every note has the sections of a method
specification, every ``docs/`` path the library cites exists, the library cites no material
outside the repository, and the numbers of each note's worked example are what the code gives."""

from __future__ import annotations

import hashlib
import itertools
import re
from pathlib import Path

import numpy as np
import polars as pl
import pytest

import disclosure
from disclosure import (
    DFE,
    Dimension,
    Profile,
    Table,
    audit,
    link_tables,
    primary_cells,
    protect,
    published_cells_digest,
)
from disclosure.primary.assess import assess_primary
from disclosure.primary.dominance import dominance_levels, dominance_sensitive
from disclosure.primary.p_percent import p_percent_levels, p_percent_sensitive
from disclosure.rounding import known_interval, published_text, round_half_up
from disclosure.secondary.costs import cell_costs, search_costs
from disclosure.secondary.heuristic import _PathLP
from disclosure.secondary.hypercube import _box_prices, hypercube_pattern

from .cases import linked_region_tables, mask, region_by_gender, two_by_two

PACKAGE = Path(disclosure.__file__).parent
DOCS = PACKAGE.parent / "docs"
SECTIONS = (
    "## Assumptions",
    "## Inputs and outputs",
    "## Definition",
    "## Worked example",
    "## Special cases",
)


def suppressed(protection, name: str) -> set[tuple[str, ...]]:
    frame = protection.tables[name]
    dims = [c for c in frame.columns if c not in ("value", "status", "reason", "published")]
    hidden = frame.filter(pl.col("status").is_in(["primary", "secondary"]))
    return {tuple(row) for row in hidden.select(dims).iter_rows()}


def interval(report, cell: str) -> tuple[float, float]:
    row = report.intervals.filter(pl.col("cell") == cell)
    return row["lower"].item(), row["upper"].item()


@pytest.mark.parametrize(
    "note", sorted(p.name for p in (DOCS / "methods").glob("*.md") if p.name != "README.md")
)
def test_every_method_note_has_the_sections_of_a_method_specification(note: str) -> None:
    text = (DOCS / "methods" / note).read_text()
    positions = [text.find(section) for section in SECTIONS]
    assert -1 not in positions and positions == sorted(positions)
    assert note in (DOCS / "methods" / "README.md").read_text()


def test_every_docs_path_the_library_cites_exists() -> None:
    cited = {
        match
        for path in PACKAGE.rglob("*.py")
        for match in re.findall(r"docs/[\w/.-]+\.md", path.read_text())
    }
    assert cited
    assert sorted(c for c in cited if not (PACKAGE.parent / c).is_file()) == []


def test_the_library_cites_nothing_outside_the_repository() -> None:
    assert [p.name for p in PACKAGE.rglob("*.py") if "shared/" in p.read_text()] == []


def three_by_two() -> Table:
    region = Dimension.flat("region", ["A", "B", "C"])
    sex = Dimension.flat("sex", ["F", "M"])
    leaves = pl.DataFrame(
        {"region": list("AABBCC"), "sex": ["F", "M"] * 3, "value": [1, 6, 4, 5, 7, 8]}
    )
    return Table.from_leaf_cells("pupils", leaves, [region, sex])


@pytest.mark.parametrize("method", ["optimal", "modular", "heuristic"])
def test_frequency_note(method: str) -> None:
    table = three_by_two()
    cells = primary_cells(table, DFE).filter(pl.col("status") == "primary")
    assert cells.select("region", "sex", "upl", "lpl", "either").rows() == [("A", "F", 2, 1, True)]
    protection = protect([table], DFE, method=method)
    assert suppressed(protection, "pupils") == {("A", "F"), ("A", "M"), ("B", "F"), ("B", "M")}
    report = protection.audit
    assert interval(report, "region=A, sex=F") == (0, 5)
    assert interval(report, "region=A, sex=M") == (2, 7)
    assert interval(report, "region=B, sex=F") == (0, 5)
    assert interval(report, "region=B, sex=M") == (4, 9)
    upper = Profile("upper", threshold=3, frequency_sides="upper")
    cells = primary_cells(table, upper).filter(pl.col("status") == "primary")
    assert cells.select("upl", "lpl", "either").rows() == [(2, 0, False)]


def test_dominance_and_p_percent_notes() -> None:
    largest = np.array([[300, 20, 10]])
    assert dominance_sensitive(np.array([330]), largest, 1, 85).tolist() == [True]
    assert dominance_levels(np.array([330]), largest, 1, 85)[0] == pytest.approx(22.94, abs=0.01)
    totals = np.array([100_000, 110_000])
    top = np.array([[50_000, 49_000], [52_000, 50_000]])
    assert p_percent_sensitive(totals, top, 10).tolist() == [True, False]
    assert p_percent_levels(totals, top, 10).tolist() == [4_000, 0]


def outcome_table(values: list[int]) -> Table:
    school = Dimension.flat("school", ["S1", "S2"], total="LA")
    outcome = Dimension.flat("outcome", ["met", "not_met"])
    leaves = pl.DataFrame(
        {"school": ["S1", "S1", "S2", "S2"], "outcome": ["met", "not_met"] * 2, "value": values}
    )
    return Table.from_leaf_cells("ks2", leaves, [school, outcome], attribute="outcome")


def test_rates_note() -> None:
    table = outcome_table([3, 2, 9, 8])
    profile = Profile("rates", threshold=1, min_denominator=6)
    cells = primary_cells(table, profile).filter(pl.col("status") == "primary")
    assert cells.select("school", "outcome", "reason", "upl", "lpl").rows() == [
        ("S1", "met", "rate", 1, 1),
        ("S1", "not_met", "rate", 1, 1),
    ]
    protection = protect([table], profile)
    assert suppressed(protection, "ks2") == {
        ("S1", "met"),
        ("S1", "not_met"),
        ("S2", "met"),
        ("S2", "not_met"),
    }
    assert interval(protection.audit, "outcome=met, school=S1") == (0, 5)
    assert interval(protection.audit, "outcome=met, school=S2") == (7, 12)


def test_group_attribute_note() -> None:
    table = outcome_table([3, 2, 0, 4])
    profile = Profile("group", threshold=1, group_attribute_max_total=10)
    cells = primary_cells(table, profile).filter(pl.col("status") == "primary")
    assert cells.select("school", "outcome", "reason", "upl").rows() == [("S2", "met", "group", 1)]
    protection = protect([table], profile)
    assert suppressed(protection, "ks2") == {
        ("S1", "met"),
        ("S1", "not_met"),
        ("S2", "met"),
        ("S2", "not_met"),
    }
    assert interval(protection.audit, "outcome=met, school=S2") == (0, 3)
    one = Profile("group1", threshold=1, group_attribute_max_total=10, group_attribute_k=1)
    assert primary_cells(table, one).filter(pl.col("status") == "primary")["upl"].to_list() == [2]


def test_optimal_note() -> None:
    protection = protect([region_by_gender()], DFE)
    assert protection.proven_optimal and protection.stats["rounds"] == 2
    assert suppressed(protection, "region_by_gender") == {
        ("A", "female"),
        ("A", "male"),
        ("C", "female"),
        ("C", "male"),
    }
    assert interval(protection.audit, "gender=female, region=A") == (0, 12)


def test_modular_note() -> None:
    school = Dimension(
        "school", "LA", {"W1": "LA", "W2": "LA", "S1": "W1", "S2": "W1", "S3": "W2", "S4": "W2"}
    )
    sex = Dimension.flat("sex", ["F", "M"])
    leaves = pl.DataFrame(
        {
            "school": ["S1", "S1", "S2", "S2", "S3", "S3", "S4", "S4"],
            "sex": ["F", "M"] * 4,
            "value": [1, 9, 1, 7, 5, 8, 9, 10],
        }
    )
    table = Table.from_leaf_cells("by_school", leaves, [school, sex])
    expected = {(s, x) for s in ("W1", "S1", "S2", "W2", "S3") for x in ("F", "M")}
    modular = protect([table], DFE, method="modular")
    assert modular.stats["subtables"] == 3 and modular.stats["sweeps"] == 2
    assert suppressed(modular, "by_school") == expected
    assert modular.information_loss()["by_school"]["secondary_value_total"] == 77
    assert suppressed(protect([table], DFE), "by_school") == expected


def test_heuristic_and_hypercube_notes() -> None:
    table = three_by_two()
    linked = link_tables([table])
    values = linked.values
    _, levels = assess_primary([table], linked, DFE)
    costs = search_costs(values)
    primary = int(np.flatnonzero(levels.primary)[0])
    path = _PathLP(linked.relations, values, np.zeros(linked.size, bool), costs, 31.0)
    path.free(np.array([primary]))
    assert path.cheapest_path(primary, 2.0)[0] == pytest.approx(36)
    assert path.cheapest_path(primary, -1.0)[0] == pytest.approx(18)
    price = costs.reshape(table.shape).copy()
    price[1, 1] = 0.0
    at = (1, 1)
    others = [np.delete(np.arange(n), i) for n, i in zip(table.shape, at, strict=True)]
    subsets = [set(s) for r in (1, 2) for s in itertools.combinations(range(2), r)]
    boxes = _box_prices(-1.0, price, values.reshape(table.shape), others, at, subsets)
    assert boxes.tolist() == [[53, 40], [23, 18], [32, 24]]
    pattern = hypercube_pattern(
        table.shape, linked.relations, values, levels, np.zeros(linked.size, bool), costs, 31.0
    )
    labels = {linked.label(int(i)) for i in np.flatnonzero(pattern)}
    assert labels == {"region=A, sex=F", "region=A, sex=M", "region=B, sex=F", "region=B, sex=M"}


def test_rounding_note() -> None:
    counts = np.array([0, 3, 7, 8, 12, 13, 22, 23])
    assert round_half_up(counts, 5).tolist() == [0, 5, 5, 10, 10, 15, 20, 25]
    shown = published_text(counts, (counts >= 1) & (counts <= 7), "*", 5)
    assert shown == ["0", "*", "*", "10", "10", "15", "20", "25"]
    low, high = known_interval(np.array([0, 10, 15, 20, 25]), 5, 8, True)
    assert list(zip(low.tolist(), high.tolist(), strict=True)) == [
        (0, 0),
        (8, 12),
        (13, 17),
        (18, 22),
        (23, 27),
    ]
    assert [int(x[0]) for x in known_interval(np.array([10]), 5, 10, True)] == [10, 12]


def test_audit_note() -> None:
    table = two_by_two()
    inner = [("1", "1"), ("1", "2"), ("2", "1"), ("2", "2")]
    report = audit([table], {table.name: mask(table, inner)}, Profile("strict", threshold=10))
    assert interval(report, "col=1, row=1") == (3, 6)
    assert interval(report, "col=1, row=2") == (2, 5)
    report = audit([table], {table.name: mask(table, [("1", "2"), ("2", "2")])}, DFE)
    assert {f.rule for f in report.failures} == {"recovered exactly"}
    region = Dimension.flat("region", ["A", "B"])
    pupils = Table.from_leaf_cells(
        "pupils", pl.DataFrame({"region": ["A", "B"], "value": [2, 9]}), [region]
    )
    lines = [
        '{"dimensions":["region"],"table":"pupils"}',
        '[["A"],"c"]',
        '[["B"],"c"]',
        '[["Total"],"11"]',
    ]
    expected = hashlib.sha256("".join(f"{line}\n" for line in lines).encode()).hexdigest()
    protection = protect([pupils], DFE)
    assert protection.audit.digest == expected
    assert published_cells_digest(protection.published_cells()) == expected


def test_linked_tables_note() -> None:
    by_county, by_size = linked_region_tables()
    profile = Profile("linked", threshold=4)
    frames = {t.name: protect([t], profile).tables[t.name] for t in (by_county, by_size)}
    together = audit([by_county, by_size], frames, profile)
    assert [(f.cell, f.lower, f.upper) for f in together.failures] == [("region=K", 3, 3)]
    protection = protect([by_county, by_size], profile)
    assert ("N",) in suppressed(protection, "by_county") and ("N",) in suppressed(
        protection, "by_size"
    )
    assert interval(protection.audit, "region=K") == (0, 10)
    assert interval(protection.audit, "region=L") == (0, 6)
    assert interval(protection.audit, "region=A") == (0, 4)


def test_costs_note() -> None:
    values = np.array([0, 2, 5, 10])
    assert cell_costs(values).tolist() == pytest.approx([0.2, 2.2, 5.2, 10.2])
    assert search_costs(values).tolist() == [1, 3, 6, 11]
    assert cell_costs(values, "log").tolist() == pytest.approx(
        [0.001, 1.0996, 1.7928, 2.3989], abs=1e-4
    )
