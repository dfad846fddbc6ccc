"""Frequency tables over hierarchical dimensions, totals and subtotals included.

A table holds one count per cell of the full cross product of its dimensions' codes (leaves,
subtotals and totals). Its additive relations, every parent equal to the sum of its children
along one dimension for every combination of the other dimensions' codes, are the linear
system ``M y = 0`` an attacker uses to recompute suppressed cells (Hundepool et al., 2012,
section 4.3; tau-ARGUS manual, "the table structure").
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping, Sequence
from functools import cached_property

import numpy as np
import polars as pl
import scipy.sparse as sp

from disclosure.errors import AdditivityError, AdditivityFailure, TableError
from disclosure.hierarchy import Dimension

VALUE = "value"


class Table:
    """A named count table: ``values[i1, ..., ik]`` is the count of the cell whose code on
    dimension ``d`` is ``dimensions[d].codes[i_d]``. Cells are ordered row-major over the
    dimensions' code orders (the first dimension varies slowest)."""

    def __init__(self, name: str, dimensions: Sequence[Dimension], values: np.ndarray) -> None:
        dimensions = tuple(dimensions)
        if not name:
            raise TableError("a table needs a name")
        if not dimensions:
            raise TableError(f"table {name!r} has no dimensions")
        names = [d.name for d in dimensions]
        if len(set(names)) != len(names):
            raise TableError(f"table {name!r}: repeated dimension names {names}")
        shape = tuple(len(d.codes) for d in dimensions)
        values = np.asarray(values, dtype=np.int64)
        if values.shape != shape:
            raise TableError(f"table {name!r}: values have shape {values.shape}, need {shape}")
        if (values < 0).any():
            raise TableError(f"table {name!r}: counts must not be negative")
        self.name = name
        self.dimensions: tuple[Dimension, ...] = dimensions
        self.values = values
        self.values.setflags(write=False)

    def __repr__(self) -> str:
        dims = " x ".join(f"{d.name}[{len(d.codes)}]" for d in self.dimensions)
        return f"Table({self.name!r}, {dims}, grand total {self.grand_total})"

    # --- constructors -------------------------------------------------------------------------

    @classmethod
    def from_microdata(
        cls,
        name: str,
        frame: pl.DataFrame,
        dimensions: Sequence[Dimension],
        columns: Mapping[str, str] | None = None,
    ) -> Table:
        """Count the units (one row each) of ``frame`` by the dimensions' leaf codes.

        ``columns`` maps a dimension name to the frame column holding its codes (default: the
        column of the same name). Every code must be a leaf; totals follow the hierarchies.
        """
        dimensions = tuple(dimensions)
        counts = _leaf_counts(name, frame, dimensions, columns, value=None)
        return cls(name, dimensions, _aggregate(counts, dimensions))

    @classmethod
    def from_leaf_cells(
        cls,
        name: str,
        frame: pl.DataFrame,
        dimensions: Sequence[Dimension],
        value: str = VALUE,
    ) -> Table:
        """A table from counts of leaf cells only (one row per leaf combination, missing rows
        are 0); subtotals and totals are summed along the hierarchies."""
        dimensions = tuple(dimensions)
        counts = _leaf_counts(name, frame, dimensions, None, value=value)
        return cls(name, dimensions, _aggregate(counts, dimensions))

    @classmethod
    def from_cells(
        cls,
        name: str,
        frame: pl.DataFrame,
        dimensions: Sequence[Dimension],
        value: str = VALUE,
    ) -> Table:
        """A table from pre-aggregated cells, totals and subtotals included (missing rows are 0).

        Raises :class:`AdditivityError` naming every relation where a parent cell differs from
        the sum of its children.
        """
        dimensions = tuple(dimensions)
        values = _cell_array(name, frame, dimensions, value)
        failures = list(_additivity_failures(name, values, dimensions))
        if failures:
            raise AdditivityError(failures)
        return cls(name, dimensions, values)

    # --- views --------------------------------------------------------------------------------

    @property
    def shape(self) -> tuple[int, ...]:
        return self.values.shape

    @property
    def size(self) -> int:
        return int(self.values.size)

    @property
    def grand_total(self) -> int:
        return int(self.values[(0,) * len(self.dimensions)])

    @cached_property
    def cells(self) -> pl.DataFrame:
        """One row per cell: a Utf8 column per dimension and the Int64 ``value``."""
        columns: dict[str, pl.Series] = {}
        for axis, dim in enumerate(self.dimensions):
            codes = np.array(dim.codes, dtype=object)
            before = math.prod(self.shape[:axis])
            after = math.prod(self.shape[axis + 1 :])
            columns[dim.name] = pl.Series(
                dim.name, np.tile(np.repeat(codes, after), before).tolist(), dtype=pl.Utf8
            )
        columns[VALUE] = pl.Series(VALUE, self.values.ravel(), dtype=pl.Int64)
        return pl.DataFrame(columns)

    def coordinates(self, flat_index: int) -> dict[str, str]:
        """The codes of the cell at ``flat_index`` in :attr:`cells` order."""
        position = np.unravel_index(flat_index, self.shape)
        return {d.name: d.codes[int(i)] for d, i in zip(self.dimensions, position, strict=True)}

    def relation_parts(self) -> tuple[np.ndarray, list[np.ndarray], np.ndarray]:
        """The relations as index arrays, in a fixed order (by dimension, parent code, then the
        other dimensions' cells): ``parents[r]`` is the flat index of relation ``r``'s parent
        cell, ``children[r]`` the flat indices of its children and ``axes[r]`` the position of
        the dimension it sums along."""
        flat = np.arange(self.size, dtype=np.int64).reshape(self.shape)
        parents: list[np.ndarray] = []
        children: list[np.ndarray] = []
        axes: list[np.ndarray] = []
        for axis, dim in enumerate(self.dimensions):
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

    def relations(self) -> sp.csr_matrix:
        """The additive relations as a sparse matrix ``M`` with ``M @ values.ravel() == 0``:
        one row per (parent cell, dimension), +1 on the parent and -1 on each child."""
        parents, children, _ = self.relation_parts()
        return relation_matrix(parents, children, self.size)


def relation_matrix(
    parents: np.ndarray, children: Sequence[np.ndarray], n_cells: int
) -> sp.csr_matrix:
    """Sparse ``M``: row r has +1 at ``parents[r]`` and -1 at each of ``children[r]``."""
    if len(parents) == 0:
        return sp.csr_matrix((0, n_cells))
    lengths = np.array([1 + len(k) for k in children], dtype=np.int64)
    indptr = np.concatenate([[0], np.cumsum(lengths)])
    pairs = zip(parents, children, strict=True)
    indices = np.concatenate([np.concatenate([[p], k]) for p, k in pairs])
    data = np.concatenate([np.concatenate([[1.0], -np.ones(len(k))]) for k in children])
    return sp.csr_matrix((data, indices.astype(np.int64), indptr), shape=(len(parents), n_cells))


# --- helpers ------------------------------------------------------------------------------------


def _code_positions(
    table: str, dim: Dimension, codes: pl.Series, *, leaves_only: bool
) -> np.ndarray:
    """Positions of ``codes`` in ``dim.codes``; unknown (or, if asked, non-leaf) codes fail."""
    if codes.null_count():
        raise TableError(f"table {table!r}: null codes for dimension {dim.name!r}")
    allowed = dim.leaves if leaves_only else dim.codes
    known = set(allowed)
    bad = sorted({c for c in codes.unique().to_list() if c not in known})
    if bad:
        kind = "leaf codes" if leaves_only else "codes"
        shown = ", ".join(repr(b) for b in bad[:10]) + (" ..." if len(bad) > 10 else "")
        raise TableError(
            f"table {table!r}: values not among dimension {dim.name!r}'s {kind}: {shown}"
        )
    return codes.replace_strict(dim.position, return_dtype=pl.Int64).to_numpy()


def _leaf_counts(
    table: str,
    frame: pl.DataFrame,
    dimensions: tuple[Dimension, ...],
    columns: Mapping[str, str] | None,
    value: str | None,
) -> np.ndarray:
    """An array of the table's shape holding leaf counts (non-leaf cells 0)."""
    columns = dict(columns or {})
    unknown = sorted(set(columns) - {d.name for d in dimensions})
    if unknown:
        raise TableError(f"table {table!r}: columns given for unknown dimension(s) {unknown}")
    source = [columns.get(d.name, d.name) for d in dimensions]
    needed = source + ([value] if value else [])
    missing = [c for c in needed if c not in frame.columns]
    if missing:
        raise TableError(f"table {table!r}: frame has no column(s) {missing}")
    keys = [pl.col(c).cast(pl.Utf8).alias(f"__dim{i}") for i, c in enumerate(source)]
    measure = pl.col(value).cast(pl.Int64).sum() if value else pl.len().cast(pl.Int64)
    grouped = frame.group_by(keys).agg(measure.alias("__n"))
    if value and frame.height != frame.select(keys).unique().height:
        raise TableError(f"table {table!r}: duplicate leaf cells in the frame")
    counts = np.zeros(tuple(len(d.codes) for d in dimensions), dtype=np.int64)
    if grouped.height == 0:
        return counts
    index = tuple(
        _code_positions(table, d, grouped[f"__dim{i}"], leaves_only=True)
        for i, d in enumerate(dimensions)
    )
    np.add.at(counts, index, grouped["__n"].to_numpy())
    return counts


def _aggregate(counts: np.ndarray, dimensions: tuple[Dimension, ...]) -> np.ndarray:
    """Fill every subtotal and total from the leaves, one dimension at a time."""
    values = counts.copy()
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


def _cell_array(
    table: str, frame: pl.DataFrame, dimensions: tuple[Dimension, ...], value: str
) -> np.ndarray:
    """Every cell's value from a frame of cells (any code level); missing cells are 0."""
    names = [d.name for d in dimensions]
    missing = [c for c in [*names, value] if c not in frame.columns]
    if missing:
        raise TableError(f"table {table!r}: frame has no column(s) {missing}")
    cells = frame.select(*[pl.col(c).cast(pl.Utf8) for c in names], pl.col(value))
    if cells[value].null_count():
        raise TableError(f"table {table!r}: null values in column {value!r}")
    if cells.height != cells.select(names).unique().height:
        raise TableError(f"table {table!r}: duplicate cells in the frame")
    values = np.zeros(tuple(len(d.codes) for d in dimensions), dtype=np.int64)
    if cells.height:
        index = tuple(
            _code_positions(table, d, cells[d.name], leaves_only=False) for d in dimensions
        )
        values[index] = cells[value].cast(pl.Int64).to_numpy()
    return values


def _additivity_failures(
    table: str, values: np.ndarray, dimensions: tuple[Dimension, ...]
) -> Iterator[AdditivityFailure]:
    """Every (parent cell, dimension) whose value is not the sum of its children."""
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
