from __future__ import annotations

import numpy as np
import polars as pl

from disclosure import Dimension, Table, link_tables
from disclosure.levels import KnownBounds, ProtectionLevels
from disclosure.secondary.finish import unprotected
from disclosure.secondary.hypercube import hypercube_pattern
from disclosure.secondary.modular import subtables


def flat_table(values: np.ndarray) -> Table:
    """A table of two or three flat dimensions with totals, leaves ``values``."""
    names = ["a", "b", "c"][: values.ndim]
    dims = [
        Dimension.flat(name, [f"{name}{k}" for k in range(size)])
        for name, size in zip(names, values.shape, strict=True)
    ]
    grid = np.indices(values.shape).reshape(values.ndim, -1)
    leaves = pl.DataFrame(
        {name: [f"{name}{k}" for k in grid[i]] for i, name in enumerate(names)}
        | {"value": values.ravel().tolist()}
    )
    return Table.from_leaf_cells("t", leaves, dims)


def protect_one(values: np.ndarray, threshold: int = 3) -> tuple[np.ndarray, np.ndarray, Table]:
    table = flat_table(values)
    linked = link_tables([table])
    (sub,) = subtables(table, linked.cell_of[table.name])
    v = linked.values[sub.cells].astype(np.float64)
    primary = (v >= 1) & (v < threshold)
    levels = ProtectionLevels.upper_only(primary, np.where(primary, threshold - v, 0.0))
    pattern = hypercube_pattern(
        sub.shape,
        sub.relations,
        v,
        levels,
        np.zeros(len(v), dtype=bool),
        v + 1,
        float(v.max()),
    )
    short = unprotected(sub.relations, v, pattern, levels, KnownBounds.exact(v))
    assert len(short) == 0
    # back to the table's cell order (one table: unique cell i is table cell i)
    mask = np.zeros(table.size, dtype=bool)
    mask[sub.cells[pattern]] = True
    return mask, primary, table


def test_one_primary_of_a_two_way_table_gets_the_cheapest_rectangle() -> None:
    """(a0, b0) = 1 must reach 3: the cheapest rectangle through it uses the smallest cells
    that can fall by 2, (a1, b0), (a0, b1) and (a1, b1); nothing else is suppressed."""
    values = np.array([[1, 5, 9], [4, 6, 20], [30, 40, 50]])
    pattern, primary, table = protect_one(values)
    chosen = table.cells.filter(pl.Series(pattern))
    pairs = set(zip(chosen["a"].to_list(), chosen["b"].to_list(), strict=True))
    assert pairs == {("a0", "b0"), ("a0", "b1"), ("a1", "b0"), ("a1", "b1")}
    assert primary.sum() == 1


def test_a_cell_too_small_to_fall_is_not_used_to_move_against_the_primary() -> None:
    """(a0, b0) = 1 must reach 3, so cells moving against it must fall by 2: the cheap box
    through (a0, b1) = 1 is not possible and the box goes through b2; (a0, b1) = 1 then uses
    (a1, b1) and what is already suppressed."""
    values = np.array([[1, 1, 8], [9, 6, 7], [30, 40, 50]])
    pattern, _, table = protect_one(values)
    chosen = table.cells.filter(pl.Series(pattern))
    pairs = set(zip(chosen["a"].to_list(), chosen["b"].to_list(), strict=True))
    assert pairs == {(a, b) for a in ("a0", "a1") for b in ("b0", "b1", "b2")}


def test_three_way_random_tables_are_protected_and_the_pattern_is_deterministic() -> None:
    rng = np.random.default_rng(7)
    for _ in range(5):
        values = rng.poisson(rng.gamma(1.2, 5.0, (4, 3, 3)))
        first, primary, _ = protect_one(values)
        again, _, _ = protect_one(values)
        assert np.array_equal(first, again)
        assert first[primary].all()
