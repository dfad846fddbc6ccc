from __future__ import annotations

import json

import numpy as np
import polars as pl
import pytest

from disclosure import (
    DFE,
    Dimension,
    Profile,
    Table,
    protect,
)

from .cases import region_by_gender


def suppressed_cells(frame: pl.DataFrame, names: list[str]) -> set[tuple[str, ...]]:
    hidden = frame.filter(pl.col("status").is_in(["primary", "secondary"]))
    return {tuple(r) for r in hidden.select(names).rows()}


def test_output_frame_layout_and_summary() -> None:
    table = region_by_gender()
    protection = protect([table], DFE)
    frame = protection.tables[table.name]
    assert frame.columns == ["region", "gender", "value", "status", "reason", "published"]
    assert frame.select("region", "gender", "value").equals(table.cells)
    summary = protection.summary()
    assert summary == {
        table.name: {
            "cells": 15,
            "primary": 1,
            "secondary": 3,
            "cost_function": "value",
            "method": "optimal",
            "proven_optimal": True,
            "rounding_base": None,
            "audit_passed": True,
        }
    }
    json.dumps(summary)


def test_shared_cells_have_one_status_in_every_table() -> None:
    school = Dimension("school", "LA", {"P": "LA", "1": "P", "2": "P", "3": "P"})
    pupils = pl.DataFrame(
        {
            "school": ["1"] * 2 + ["2"] * 9 + ["3"] * 7,
            "fsm": ["Y", "N"] + ["Y"] * 4 + ["N"] * 5 + ["Y"] * 3 + ["N"] * 4,
            "eal": ["N"] * 2 + ["Y"] * 3 + ["N"] * 6 + ["Y"] * 5 + ["N"] * 2,
        }
    )
    tables = [
        Table.from_microdata(f"by_{c}", pupils, [school, Dimension.flat(c, ["Y", "N"])])
        for c in ("fsm", "eal")
    ]
    protection = protect(tables, DFE)
    margins = [
        frame.filter(pl.col(c) == "Total").select("school", "status")
        for c, frame in zip(("fsm", "eal"), protection.tables.values(), strict=True)
    ]
    assert margins[0].equals(margins[1])
    assert protection.audit.passed


def test_forced_grand_total_stays_published() -> None:
    region = Dimension.flat("region", ["A", "B"])
    table = Table.from_leaf_cells(
        "t", pl.DataFrame({"region": ["A", "B"], "value": [1, 9]}), [region]
    )
    free = protect([table], DFE)
    assert suppressed_cells(free.tables["t"], ["region"]) == {("A",), ("B",)}
    forced = protect([table], Profile("forced", threshold=3, forced_published="grand_total"))
    statuses = dict(forced.tables["t"].select("region", "status").rows())
    assert statuses == {"Total": "forced", "A": "primary", "B": "secondary"}
    assert forced.audit.passed


def test_disclosive_zeros_are_protected() -> None:
    region = Dimension.flat("region", ["A", "B", "C"])
    table = Table.from_leaf_cells(
        "t", pl.DataFrame({"region": ["A", "B", "C"], "value": [0, 6, 9]}), [region]
    )
    protection = protect([table], Profile("zeros", threshold=3, zeros_safe=False))
    statuses = dict(protection.tables["t"].select("region", "status").rows())
    assert statuses["A"] == "primary" and statuses["B"] == "secondary"
    assert protection.tables["t"].filter(pl.col("region") == "A")["reason"].item() == "zero"
    assert protection.audit.passed


def test_no_primaries_means_nothing_suppressed() -> None:
    region = Dimension.flat("region", ["A", "B"])
    table = Table.from_leaf_cells(
        "t", pl.DataFrame({"region": ["A", "B"], "value": [5, 9]}), [region]
    )
    protection = protect([table], DFE)
    assert set(protection.tables["t"]["status"]) == {"safe"}
    assert protection.audit.passed and protection.audit.intervals.height == 0


def random_linked_tables(seed: int) -> list[Table]:
    rng = np.random.default_rng(seed)
    school = Dimension.from_levels(
        "school",
        pl.DataFrame({"phase": ["P"] * 6 + ["S"] * 3, "laestab": [str(100 + i) for i in range(9)]}),
        ["phase", "laestab"],
        total="LA",
    )
    sizes = rng.integers(2, 30, 9)
    n = int(sizes.sum())
    pupils = pl.DataFrame(
        {
            "school": np.repeat([str(100 + i) for i in range(9)], sizes),
            "fsm": rng.choice(["Y", "N"], n, p=[0.25, 0.75]),
            "sen": rng.choice(["N", "K", "E"], n, p=[0.8, 0.15, 0.05]),
        }
    )
    return [
        Table.from_microdata("by_fsm", pupils, [school, Dimension.flat("fsm", ["Y", "N"])]),
        Table.from_microdata("by_sen", pupils, [school, Dimension.flat("sen", ["N", "K", "E"])]),
    ]


def test_same_input_same_pattern() -> None:
    runs = [protect(random_linked_tables(3), DFE) for _ in range(2)]
    for name in runs[0].tables:
        assert runs[0].tables[name].equals(runs[1].tables[name])
    assert runs[0].summary() == runs[1].summary()
    assert runs[0].audit.passed


def test_node_limit_falls_back_to_the_heuristic_and_says_so() -> None:
    tables = random_linked_tables(5)
    fallback = protect(tables, DFE, max_rounds=1)
    heuristic = protect(tables, DFE, method="heuristic")
    assert fallback.method == "heuristic (fallback)"
    assert any("rounds" in note for note in fallback.notes)
    assert fallback.summary()["by_fsm"]["method"] == "heuristic (fallback)"
    for name in heuristic.tables:
        assert fallback.tables[name].equals(heuristic.tables[name])
    assert fallback.audit.passed


def test_unknown_method_and_cost_are_rejected() -> None:
    with pytest.raises(ValueError, match="method"):
        protect([region_by_gender()], DFE, method="fast")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="cost"):
        protect([region_by_gender()], DFE, cost="area")  # type: ignore[arg-type]
