"""Magnitude tables: sums, contributor counts and largest contributions from microdata or
pre-aggregated cells, linking next to count tables, secondary suppression on the sums and the
audit of the magnitude rules' protection levels (Hundepool et al., 2012, 4.2.1-4.2.2)."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from disclosure import (
    Dimension,
    LinkingError,
    Profile,
    Table,
    TableError,
    audit,
    link_tables,
    protect,
)
from disclosure.audit import UPPER
from disclosure.rounding import published_bounds


def school() -> Dimension:
    return Dimension("school", "LA", {"PRI": "LA", "SEC": "LA", "1": "PRI", "2": "PRI", "3": "SEC"})


def fsm() -> Dimension:
    return Dimension.flat("fsm", ["Y", "N"])


def funding() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "school": ["1", "1", "1", "2", "3", "3"],
            "fsm": ["Y", "N", "N", "N", "Y", "Y"],
            "pounds": [10, 5, 7, 0, 100, 1],
            "family": ["a", "a", "b", "c", "d", "e"],
        }
    )


def cell(table: Table, **codes: str) -> tuple[int, int, list[int]]:
    """(sum, contributors, largest) of one cell."""
    position = tuple(d.position[codes[d.name]] for d in table.dimensions)
    assert table.frequencies is not None and table.largest is not None
    return (
        int(table.values[position]),
        int(table.frequencies[position]),
        table.largest[position].tolist(),
    )


def test_from_microdata_sums_counts_and_ranks_contributions_in_every_cell() -> None:
    table = Table.from_microdata("f", funding(), [school(), fsm()], magnitude="pounds")
    assert table.is_magnitude and table.measure == "pounds"
    assert cell(table, school="1", fsm="N") == (12, 2, [7, 5])
    assert cell(table, school="2", fsm="Y") == (0, 0, [0, 0])
    assert cell(table, school="PRI", fsm="Total") == (22, 4, [10, 7])
    assert cell(table, school="LA", fsm="Total") == (123, 6, [100, 10])
    # the sums obey the table's relations like counts do
    assert not np.any(table.relations() @ table.values.ravel())


def test_a_contributor_is_summed_before_ranking_at_every_level() -> None:
    table = Table.from_microdata(
        "f", funding(), [school(), fsm()], magnitude="pounds", contributor="family", largest=3
    )
    # family a has 10 (fsm Y) and 5 (fsm N) at school 1: one contributor of 15 at the total
    assert cell(table, school="1", fsm="Total") == (22, 2, [15, 7, 0])
    assert cell(table, school="1", fsm="Y") == (10, 1, [10, 0, 0])
    assert cell(table, school="LA", fsm="Total") == (123, 5, [100, 15, 7])


def test_from_cells_reads_a_pre_aggregated_magnitude_table() -> None:
    built = Table.from_microdata("f", funding(), [school(), fsm()], magnitude="pounds")
    frame = built.cells.with_columns(
        pl.Series("n", built.frequencies.ravel()),  # type: ignore[union-attr]
        pl.Series("top1", built.largest[..., 0].ravel()),  # type: ignore[index]
        pl.Series("top2", built.largest[..., 1].ravel()),  # type: ignore[index]
    )
    again = Table.from_cells(
        "f", frame, [school(), fsm()], frequency="n", largest=["top1", "top2"], measure="pounds"
    )
    assert np.array_equal(again.values, built.values)
    assert np.array_equal(again.largest, built.largest)  # type: ignore[arg-type]
    assert again.measure == "pounds"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"pounds": [10, 5, 7, 0, -1, 1]}, "must not be negative"),
        ({"pounds": [10.5, 5.0, 7.0, 0.0, 1.0, 1.0]}, "whole numbers"),
        ({"pounds": ["10", "5", "7", "0", "1", "1"]}, "not numeric"),
    ],
)
def test_magnitudes_must_be_non_negative_whole_numbers(
    change: dict[str, list[object]], message: str
) -> None:
    frame = funding().with_columns(pl.Series(k, v) for k, v in change.items())
    with pytest.raises(TableError, match=message):
        Table.from_microdata("f", frame, [school(), fsm()], magnitude="pounds")


def test_inconsistent_magnitude_parts_are_rejected() -> None:
    dims = [Dimension.flat("d", ["x"])]
    with pytest.raises(TableError, match="descending"):
        Table("t", dims, [5, 5], frequencies=[2, 2], largest=[[1, 4], [1, 4]], measure="m")
    with pytest.raises(TableError, match="exceed"):
        Table("t", dims, [5, 5], frequencies=[2, 2], largest=[[4, 3], [4, 3]], measure="m")
    with pytest.raises(TableError, match="without contributors"):
        Table("t", dims, [5, 5], frequencies=[0, 0], largest=[[4, 1], [4, 1]], measure="m")
    with pytest.raises(TableError, match="count tables only"):
        Table("t", dims, [5, 5], frequencies=[2, 2], largest=[[4, 1], [4, 1]], measure="m",
              attribute="d")  # fmt: skip


def test_magnitude_and_count_cells_with_the_same_codes_stay_apart() -> None:
    amounts = Table.from_microdata("f", funding(), [school(), fsm()], magnitude="pounds")
    counts = Table.from_microdata("n", funding(), [school(), fsm()])
    linked = link_tables([amounts, counts])
    assert linked.size == 2 * amounts.size
    assert linked.label(0) == "measure=pounds"
    assert linked.is_grand_total(0) and linked.is_grand_total(amounts.size)
    assert linked.contributors[0] == 6 and linked.magnitude[0]
    # two magnitude tables of the same measure share their cells and must agree
    other = Table.from_microdata("g", funding().head(5), [school(), fsm()], magnitude="pounds")
    with pytest.raises(LinkingError, match="contributors"):
        link_tables([amounts, other])


def firms() -> Table:
    region = Dimension.flat("region", ["A", "B", "C"])
    frame = pl.DataFrame(
        {
            "region": ["A"] * 3 + ["B"] * 4 + ["C"] * 5,
            "turnover": [300, 20, 10, 40, 30, 20, 10, 50, 40, 30, 20, 10],
        }
    )
    return Table.from_microdata("turnover", frame, [region], magnitude="turnover")


def test_secondary_suppression_protects_the_dominance_level_on_the_sums() -> None:
    # A = 330 fails (1, 85) with UPL 23 (Hundepool et al.'s example 4); with B (100) also
    # suppressed A + B = 430 is all the attacker knows, so A can reach 430 >= 353
    profile = Profile("m", threshold=3, dominance_n=1, dominance_k=85)
    for method in ("optimal", "modular", "heuristic"):
        protection = protect([firms()], profile, method=method)
        assert protection.audit.passed, method
        frame = protection.tables["turnover"]
        status = dict(frame.select("region", "status").iter_rows())
        assert status["A"] == "primary"
        assert status["B"] == "secondary"  # the cheaper complement (100 < 150)
        assert protection.levels is not None and protection.levels.upper.max() == 23


def test_audit_checks_the_magnitude_levels_itself() -> None:
    table = firms()
    profile = Profile("m", threshold=3, dominance_n=1, dominance_k=85)
    # A and B suppressed with the total published: A + B = 430, so A in [0, 430]: fine
    good = [False, True, True, False]  # Total, A, B, C
    assert audit([table], {"turnover": good}, profile).passed
    # a tight profile: the (1, 50) rule asks A for 100/50 * 300 - 330 = 270 above its value,
    # more than B's 100 allows; the audit names the broken requirement (the grand total, 300
    # of 580, fails the rule too and is published: a second failure)
    strict = Profile("m", threshold=3, dominance_n=1, dominance_k=50)
    report = audit([table], {"turnover": good}, strict)
    assert not report.passed
    failure = next(f for f in report.failures if f.cell == "measure=turnover, region=A")
    assert failure.rule == UPPER and failure.upper == 430
    assert "upper 270" in failure.requirement


def test_few_contributors_are_protected_by_frequency_range() -> None:
    region = Dimension.flat("region", ["A", "B", "C"])
    frame = pl.DataFrame(
        {"region": ["A", "A", "B", "B", "B", "C", "C", "C"], "x": [50, 50, 5, 5, 5, 9, 9, 9]}
    )
    table = Table.from_microdata("x", frame, [region], magnitude="x")
    plain = protect([table], Profile("m", threshold=3))
    assert plain.levels is not None and plain.levels.sliding.tolist() == [0, 1, 0, 0]
    ranged = protect([table], Profile("m", threshold=3, frequency_range=30))
    assert ranged.levels is not None and ranged.levels.upper.tolist() == [0, 30, 0, 0]
    assert ranged.audit.passed
    # A (2 contributors, 100) must reach 130: C (27) alone allows 127, so B (15) goes too
    status = dict(ranged.tables["x"].select("region", "status").iter_rows())
    assert status == {"Total": "safe", "A": "primary", "B": "secondary", "C": "secondary"}


def test_rounded_magnitudes_are_known_within_their_plain_rounding_interval() -> None:
    # a published sum of 3 is shown as 5 and known in [3, 7]; the count rule "a published
    # non-zero count is at least the threshold" (8) does not apply to sums
    profile = Profile("nhs", threshold=8, symbol="*", rounding_base=5, p_percent=10)
    values = np.array([3, 3, 12])
    known = published_bounds(values, profile, np.array([True, False, True]))
    assert known.low.tolist() == [3, 8, 8] and known.high.tolist() == [7, 8, 12]


def test_a_rounded_magnitude_table_is_protected_and_passes_the_audit() -> None:
    region = Dimension.flat("region", ["A", "B", "D"])
    frame = pl.DataFrame(
        {
            "region": ["A"] * 8 + ["B"] * 8 + ["D"] * 8,
            "x": [0] * 5 + [1] * 3 + [75] * 8 + [1000] + [1] * 7,
        }
    )
    table = Table.from_microdata("x", frame, [region], magnitude="x")
    profile = Profile("nhs", threshold=8, symbol="*", rounding_base=5, p_percent=10)
    protection = protect([table], profile)
    assert protection.audit.passed
    shown = dict(protection.tables["x"].select("region", "published").iter_rows())
    # D (1007; 1007 - 1000 - 1 = 6 < 100) needs 94 more: A's 3 is not enough, B's 600 is
    assert shown == {"Total": "1610", "A": "5", "B": "*", "D": "*"}
