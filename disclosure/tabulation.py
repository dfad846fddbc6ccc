"""Tabulation: the cell arrays of a table from a data frame.

From microdata (one row per unit) it counts units, or for a magnitude table sums a
non-negative whole-number variable per cell with each cell's number of contributors and its
largest contributions (Hundepool et al., 2012, section 4.2.2; tau-ARGUS manual, "magnitude
tables", "response variable"); from a frame of pre-aggregated cells it reads one value per
cell. Every array is indexed by the dimensions' code positions (totals and subtotals
included); codes that are not the dimension's are rejected with the table's name. The
:class:`~disclosure.table.Table` constructors are built on these functions.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import polars as pl

from disclosure.errors import TableError
from disclosure.hierarchy import Dimension


def leaf_counts(
    table: str,
    frame: pl.DataFrame,
    dimensions: Sequence[Dimension],
    columns: Mapping[str, str] | None,
    value: str | None,
) -> np.ndarray:
    """An array over every code of each dimension holding the leaf cells' counts (non-leaf
    cells 0): the rows of ``frame`` counted by their leaf codes, or with ``value`` the sum of
    that column (one row per leaf cell). ``columns`` maps a dimension to the frame column of
    its codes (default: its own name). The units of a frequency table (Hundepool et al., 2012,
    ch. 5; tau-ARGUS manual, "microdata")."""
    dimensions = tuple(dimensions)
    source = _source_columns(table, dimensions, columns)
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


def magnitude_cells(
    table: str,
    frame: pl.DataFrame,
    dimensions: Sequence[Dimension],
    columns: Mapping[str, str] | None,
    magnitude: str,
    contributor: str | None,
    largest: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per cell (totals included) the sum of ``magnitude``, the number of contributors and the
    ``largest`` largest contributions (tau-ARGUS manual, "magnitude tables": the top
    contributions of every cell, each contributor's rows summed first; Hundepool et al., 2012,
    4.2.2).

    Each row is copied to every ancestor code of each of its leaf codes, so each cell's
    contributors are grouped directly rather than merged from its children."""
    dimensions = tuple(dimensions)
    if isinstance(largest, bool) or not isinstance(largest, int) or largest < 1:
        raise TableError(f"table {table!r}: largest must be a positive integer")
    source = _source_columns(table, dimensions, columns)
    needed = [*source, magnitude, *([contributor] if contributor else [])]
    missing = [c for c in needed if c not in frame.columns]
    if missing:
        raise TableError(f"table {table!r}: frame has no column(s) {missing}")
    amounts = frame[magnitude]
    if amounts.null_count():
        raise TableError(f"table {table!r}: null values in magnitude column {magnitude!r}")
    if not amounts.dtype.is_numeric():
        raise TableError(f"table {table!r}: magnitude column {magnitude!r} is not numeric")
    if amounts.dtype.is_float() and not (amounts == amounts.round(0)).all():
        raise TableError(
            f"table {table!r}: magnitude {magnitude!r} must hold whole numbers (express it in "
            "its smallest unit, e.g. pence or sessions)"
        )
    if amounts.len() and amounts.min() < 0:  # type: ignore[operator]
        raise TableError(f"table {table!r}: magnitude {magnitude!r} must not be negative")
    shape = tuple(len(d.codes) for d in dimensions)
    data = pl.DataFrame(
        {
            **{
                f"__dim{i}": _code_positions(table, d, frame[c].cast(pl.Utf8), leaves_only=True)
                for i, (d, c) in enumerate(zip(dimensions, source, strict=True))
            },
            "__x": amounts.cast(pl.Int64),
            "__unit": (
                frame[contributor].cast(pl.Utf8)
                if contributor
                else pl.Series(np.arange(frame.height)).cast(pl.Utf8)
            ),
        }
    )
    for i, dim in enumerate(dimensions):
        lookup = pl.DataFrame(
            {
                f"__dim{i}": [dim.position[c] for c in dim.leaves],
                "__up": [_ancestor_positions(dim, c) for c in dim.leaves],
            },
            schema={f"__dim{i}": pl.Int64, "__up": pl.List(pl.Int64)},
        )
        data = (
            data.join(lookup, on=f"__dim{i}", how="left")
            .drop(f"__dim{i}")
            .explode("__up")
            .rename({"__up": f"__dim{i}"})
        )
    keys = [f"__dim{i}" for i in range(len(dimensions))]
    per_unit = data.group_by([*keys, "__unit"]).agg(pl.col("__x").sum())
    cells = per_unit.group_by(keys).agg(
        pl.col("__x").sum().alias("__sum"),
        pl.len().alias("__n"),
        pl.col("__x").top_k(largest).alias("__top"),
    )
    values = np.zeros(shape, dtype=np.int64)
    frequencies = np.zeros(shape, dtype=np.int64)
    top = np.zeros((*shape, largest), dtype=np.int64)
    if cells.height:
        index = tuple(cells[k].to_numpy() for k in keys)
        values[index] = cells["__sum"].to_numpy()
        frequencies[index] = cells["__n"].to_numpy()
        padded = np.zeros((cells.height, largest), dtype=np.int64)
        for row, contributions in enumerate(cells["__top"].to_list()):
            ordered = sorted(contributions, reverse=True)
            padded[row, : len(ordered)] = ordered
        top[index] = padded
    return values, frequencies, top


def cell_array(
    table: str, frame: pl.DataFrame, dimensions: Sequence[Dimension], value: str
) -> np.ndarray:
    """Every cell's ``value`` from a frame of pre-aggregated cells (one row per cell at any
    code level, a column per dimension); missing cells are 0. The cells of a table whose
    additive relations (Hundepool et al., 2012, 4.3) the caller checks."""
    dimensions = tuple(dimensions)
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


def _source_columns(
    table: str, dimensions: tuple[Dimension, ...], columns: Mapping[str, str] | None
) -> list[str]:
    """The frame column holding each dimension's codes; columns named for unknown dimensions
    fail."""
    columns = dict(columns or {})
    unknown = sorted(set(columns) - {d.name for d in dimensions})
    if unknown:
        raise TableError(f"table {table!r}: columns given for unknown dimension(s) {unknown}")
    return [columns.get(d.name, d.name) for d in dimensions]


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


def _ancestor_positions(dim: Dimension, code: str) -> list[int]:
    """The positions of ``code`` and of every code above it, the total included."""
    positions = [dim.position[code]]
    parent = dim.parent(code)
    while parent is not None:
        positions.append(dim.position[parent])
        parent = dim.parent(parent)
    return positions
