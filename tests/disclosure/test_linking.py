from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from disclosure import Dimension, LinkingError, Table, link_tables

from .cases import linked_region_tables


def school() -> Dimension:
    return Dimension("school", "LA", {"PRI": "LA", "1": "PRI", "2": "PRI"})


def pupils() -> pl.DataFrame:
    return pl.DataFrame(
        {"school": ["1", "1", "2", "2", "2"], "fsm": list("YNNNY"), "eal": list("NNYNN")}
    )


def tables() -> list[Table]:
    frame = pupils()
    return [
        Table.from_microdata(f"by_{c}", frame, [school(), Dimension.flat(c, ["Y", "N"])])
        for c in ("fsm", "eal")
    ]


def test_shared_margins_are_one_cell() -> None:
    linked = link_tables(tables())
    # each table has 4 x 3 = 12 cells; the 4 school margins are shared
    assert linked.size == 12 + 12 - 4
    roll = linked.keys.index((("school", "1"),))
    assert linked.tables_of[roll] == ("by_fsm", "by_eal")
    assert linked.values[roll] == 2
    assert linked.keys.index(()) == 0 and linked.label(0) == "grand total"
    assert not (linked.relations @ linked.values).any()


def test_duplicate_relations_are_stacked_once() -> None:
    linked = link_tables(tables())
    per_table = sum(t.relations().shape[0] for t in tables())
    # school-axis relations at the Total column (LA and PRI) are the same in both tables
    assert linked.relations.shape[0] == per_table - 2
    rows = {
        tuple(np.sort(linked.relations.getrow(r).indices)) for r in range(linked.relations.shape[0])
    }
    assert len(rows) == linked.relations.shape[0]


def test_tables_with_different_hierarchies_share_leaves() -> None:
    by_county, by_size = linked_region_tables()
    linked = link_tables([by_county, by_size])
    assert linked.size == 11 + 2  # by_size adds only "big" and "small"
    assert linked.values[linked.keys.index((("region", "small"),))] == 30


def test_disagreeing_values_and_totals_are_rejected() -> None:
    first, _ = tables()
    other = pupils().with_columns(pl.Series("school", ["1", "2", "2", "2", "2"]))
    changed = Table.from_microdata("by_eal", other, [school(), Dimension.flat("eal", ["Y", "N"])])
    with pytest.raises(LinkingError, match="school=1"):
        link_tables([first, changed])
    renamed = Table.from_microdata(
        "by_eal",
        pupils(),
        [Dimension("school", "ALL", {"1": "ALL", "2": "ALL"}), Dimension.flat("eal", ["Y", "N"])],
    )
    with pytest.raises(LinkingError, match="total"):
        link_tables([first, renamed])
    with pytest.raises(LinkingError, match="unique"):
        link_tables([first, first])
