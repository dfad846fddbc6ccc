"""The additive relations of a table over hierarchical dimensions.

Along every dimension, every parent code is the sum of its children, for every combination of
the other dimensions' codes. These relations, written as the sparse linear system ``M y = 0``
over the table's cells (row-major over the dimensions' code orders), are what an attacker uses
to recompute suppressed cells and what secondary suppression must respect (Hundepool et al.,
2012, section 4.3; tau-ARGUS manual, "the table structure"). This module builds them, fills
subtotals and totals from leaves along them, and finds the relations a pre-aggregated table
breaks. Method note: ``docs/methods/linked-tables.md``.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence

import numpy as np
import scipy.sparse as sp

from disclosure.errors import AdditivityFailure
from disclosure.hierarchy import Dimension


def relation_parts(
    dimensions: Sequence[Dimension], shape: tuple[int, ...]
) -> tuple[np.ndarray, list[np.ndarray], np.ndarray]:
    """The relations of a table with ``dimensions`` (cell array ``shape``) as index arrays, in
    a fixed order (by dimension, parent code, then the other dimensions' cells):
    ``parents[r]`` is the flat index of relation ``r``'s parent cell, ``children[r]`` the flat
    indices of its children and ``axes[r]`` the position of the dimension it sums along (the
    additive relations of Hundepool et al., 2012, 4.3)."""
    flat = np.arange(math.prod(shape), dtype=np.int64).reshape(shape)
    parents: list[np.ndarray] = []
    children: list[np.ndarray] = []
    axes: list[np.ndarray] = []
    for axis, dim in enumerate(dimensions):
        for code in dim.codes:
            kids = dim.children(code)
            if not kids:
                continue
            parent = np.take(flat, dim.position[code], axis=axis).ravel()
            block = np.stack(
                [np.take(flat, dim.position[k], axis=axis).ravel() for k in kids], axis=1
            )
            parents.append(parent)
            children.extend(block)
            axes.append(np.full(len(parent), axis, dtype=np.int64))
    if not parents:
        return np.zeros(0, dtype=np.int64), [], np.zeros(0, dtype=np.int64)
    return np.concatenate(parents), children, np.concatenate(axes)


def relation_matrix(
    parents: np.ndarray, children: Sequence[np.ndarray], n_cells: int
) -> sp.csr_matrix:
    """Sparse ``M``: row r has +1 at ``parents[r]`` and -1 at each of ``children[r]`` (the
    additive relations of Hundepool et al., 2012, 4.3)."""
    if len(parents) == 0:
        return sp.csr_matrix((0, n_cells))
    lengths = np.array([1 + len(k) for k in children], dtype=np.int64)
    indptr = np.concatenate([[0], np.cumsum(lengths)])
    pairs = zip(parents, children, strict=True)
    indices = np.concatenate([np.concatenate([[p], k]) for p, k in pairs])
    data = np.concatenate([np.concatenate([[1.0], -np.ones(len(k))]) for k in children])
    return sp.csr_matrix((data, indices.astype(np.int64), indptr), shape=(len(parents), n_cells))


def summed_up(leaf_counts: np.ndarray, dimensions: Sequence[Dimension]) -> np.ndarray:
    """A copy of ``leaf_counts`` (an array over every code of each dimension, non-leaf cells
    ignored) with every subtotal and total filled in from the leaves, one dimension at a time,
    so that every additive relation holds (Hundepool et al., 2012, 4.3)."""
    values = leaf_counts.copy()
    for axis, dim in enumerate(dimensions):
        # reversed depth-first order visits children before their parents
        for code in reversed(dim.codes):
            kids = dim.children(code)
            if not kids:
                continue
            positions = [dim.position[k] for k in kids]
            target = [slice(None)] * values.ndim
            target[axis] = dim.position[code]
            values[tuple(target)] = np.take(values, positions, axis=axis).sum(axis=axis)
    return values


def additivity_failures(
    table: str, values: np.ndarray, dimensions: Sequence[Dimension]
) -> Iterator[AdditivityFailure]:
    """Every (parent cell, dimension) of table ``table`` whose value is not the sum of its
    children: the additive relations of Hundepool et al., 2012, 4.3 that pre-aggregated cells
    break."""
    for axis, dim in enumerate(dimensions):
        for code in dim.codes:
            kids = dim.children(code)
            if not kids:
                continue
            parent = np.take(values, dim.position[code], axis=axis)
            summed = np.take(values, [dim.position[k] for k in kids], axis=axis).sum(axis=axis)
            for other in np.argwhere(parent != summed):
                position = list(other)
                position.insert(axis, dim.position[code])
                coords = {
                    d.name: d.codes[int(i)] for d, i in zip(dimensions, position, strict=True)
                }
                yield AdditivityFailure(
                    table=table,
                    dimension=dim.name,
                    parent=coords,
                    value=int(parent[tuple(other)]),
                    children_sum=int(summed[tuple(other)]),
                )
