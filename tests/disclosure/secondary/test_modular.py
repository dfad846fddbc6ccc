from __future__ import annotations

import numpy as np
import polars as pl

from disclosure import DFE, Dimension, Table, link_tables, protect
from disclosure.secondary.modular import subtables


def two_level_table() -> Table:
    geo = Dimension("geo", "LA", {"W1": "LA", "W2": "LA", "a": "W1", "b": "W1", "c": "W2"})
    sex = Dimension.flat("sex", ["F", "M"])
    leaves = pl.DataFrame(
        {
            "geo": ["a", "a", "b", "b", "c", "c"],
            "sex": ["F", "M"] * 3,
            "value": [1, 9, 7, 6, 8, 12],
        }
    )
    return Table.from_leaf_cells("t", leaves, [geo, sex])


def test_subtables_cover_every_relation_once_top_down() -> None:
    table = two_level_table()
    linked = link_tables([table])
    parts = subtables(table, linked.cell_of[table.name])
    assert [p.name for p in parts] == [
        "geo=LA x sex=Total",
        "geo=W1 x sex=Total",
        "geo=W2 x sex=Total",
    ]
    assert [p.depth for p in parts] == [0, 1, 1]
    # the top subtable is wards x sex: its grand total first, 3 x 3 cells
    assert parts[0].cells.size == 9 and linked.label(int(parts[0].cells[0])) == "grand total"

    # together the subtables hold every relation of the table (a lower subtable's total row
    # is also an inner row of the one above, so that relation is in both)
    def signatures(matrix, cells) -> set[tuple[int, ...]]:
        rows = matrix.tocsr()
        return {
            tuple(sorted(cells[rows.indices[rows.indptr[r] : rows.indptr[r + 1]]].tolist()))
            for r in range(rows.shape[0])
        }

    union = set().union(*(signatures(p.relations, p.cells) for p in parts))
    assert union == signatures(linked.relations, np.arange(linked.size))
    for p in parts:
        assert np.allclose(p.relations @ linked.values[p.cells], 0)


def test_modular_propagates_a_suppressed_ward_total_and_passes_the_audit() -> None:
    """(a, F) = 1 is protected inside ward W1's subtable; where that needs the ward row, the
    ward cells become primary-like in the top subtable and are protected there too."""
    table = two_level_table()
    protection = protect([table], DFE, method="modular")
    assert protection.method == "modular"
    assert protection.audit.passed
    assert protection.stats["subtables"] == 3
    frame = protection.tables["t"]
    assert frame.filter((pl.col("geo") == "a") & (pl.col("sex") == "F"))["status"].item() == (
        "primary"
    )
    optimal = protect([table], DFE, method="optimal")
    assert optimal.information_loss()["t"]["cost"] <= protection.information_loss()["t"]["cost"]


def test_optimal_hands_large_problems_to_modular_with_a_note() -> None:
    table = two_level_table()
    protection = protect([table], DFE, max_cells_optimal=10)
    assert protection.method == "modular (fallback)"
    assert any("exceed the limit of 10" in note for note in protection.notes)
    assert protection.audit.passed
