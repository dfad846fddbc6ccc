"""The table: count or magnitude cells over hierarchical dimensions, totals and subtotals
included.

A table holds one value per cell of the full cross product of its dimensions' codes (leaves,
subtotals and totals), validated on construction, and shows them as a frame of cells. Its
additive relations, every parent equal to the sum of its children along one dimension for every
combination of the other dimensions' codes, are the linear system ``M y = 0`` an attacker uses
to recompute suppressed cells (Hundepool et al., 2012, section 4.3; tau-ARGUS manual, "the
table structure"). The constructors read frames through :mod:`disclosure.tabulation`; the
relations are built by :mod:`disclosure.relations`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from functools import cached_property

import numpy as np
import polars as pl
import scipy.sparse as sp

from disclosure.errors import AdditivityError, TableError
from disclosure.hierarchy import Dimension
from disclosure.relations import additivity_failures, relation_matrix, relation_parts, summed_up
from disclosure.tabulation import cell_array, leaf_counts, magnitude_cells

VALUE = "value"
MEASURE_KEY = "measure"
"""The key under which a magnitude table's measure enters its cells' identity when linking."""


class Table:
    """A named table over hierarchical dimensions: ``values[i1, ..., ik]`` is the cell whose code
    on dimension ``d`` is ``dimensions[d].codes[i_d]``. Cells are ordered row-major over the
    dimensions' code orders (the first dimension varies slowest).

    A *count* table (the default) holds a frequency per cell. A *magnitude* table (Hundepool et
    al., 2012, section 4.2.2; tau-ARGUS manual, "magnitude tables", "response variable") holds
    per cell the sum of a non-negative whole-number variable (``values``, the cell value that
    secondary suppression and the audit work on), the number of contributors
    (``frequencies``) and the largest contributions in descending order (``largest[..., j]``
    is the ``j+1``-th largest, 0 when the cell has fewer contributors), which the dominance and
    p% rules need; ``measure`` names the summed variable and keeps its cells apart from count
    cells with the same coordinates when tables are linked.

    ``attribute`` names the dimension whose categories describe the units (e.g. an
    ``outcome`` dimension {reached, not_reached} with its total): the group attribute and rate
    rules (:mod:`disclosure.primary.group_attribute`, :mod:`disclosure.primary.rates`) look
    along it. Count tables only.
    """

    def __init__(
        self,
        name: str,
        dimensions: Sequence[Dimension],
        values: np.ndarray,
        *,
        frequencies: np.ndarray | None = None,
        largest: np.ndarray | None = None,
        measure: str | None = None,
        attribute: str | None = None,
    ) -> None:
        """Validate and hold the cells (see the class docstring; tau-ARGUS manual, "table
        structure")."""
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
        self.frequencies, self.largest, self.measure = _magnitude_parts(
            name, names, values, frequencies, largest, measure
        )
        if attribute is not None:
            if attribute not in names:
                raise TableError(
                    f"table {name!r}: attribute {attribute!r} is not one of its dimensions {names}"
                )
            if self.is_magnitude:
                raise TableError(
                    f"table {name!r}: an attribute dimension is for count tables only (the group "
                    "attribute and rate rules count units)"
                )
        self.attribute = attribute

    def __repr__(self) -> str:
        """Name, dimensions with their sizes, grand total (and the measure if a magnitude)."""
        dims = " x ".join(f"{d.name}[{len(d.codes)}]" for d in self.dimensions)
        kind = f", sum of {self.measure!r}" if self.is_magnitude else ""
        return f"Table({self.name!r}, {dims}{kind}, grand total {self.grand_total})"

    @property
    def is_magnitude(self) -> bool:
        """True for a magnitude table (sums with contributor counts, Hundepool et al., 2012,
        ch. 4), False for counts (frequency tables, ch. 5)."""
        return self.frequencies is not None

    @property
    def contributors(self) -> np.ndarray:
        """The number of units (contributors) per cell: ``frequencies`` for a magnitude table,
        the counts themselves for a count table (tau-ARGUS "frequency" of a cell)."""
        return self.frequencies if self.frequencies is not None else self.values

    @property
    def attribute_axis(self) -> int | None:
        """The position of the attribute dimension, or None when the table declares none
        (the dimension of group attribute disclosure, Hundepool et al., 2012, 5.2)."""
        if self.attribute is None:
            return None
        return [d.name for d in self.dimensions].index(self.attribute)

    def with_attribute(self, attribute: str | None) -> Table:
        """The same table declaring ``attribute`` as its attribute dimension (group attribute
        disclosure, Hundepool et al., 2012, section 4.2.1; rates rule)."""
        return Table(
            self.name,
            self.dimensions,
            self.values,
            frequencies=self.frequencies,
            largest=self.largest,
            measure=self.measure,
            attribute=attribute,
        )

    # --- constructors -------------------------------------------------------------------------

    @classmethod
    def from_microdata(
        cls,
        name: str,
        frame: pl.DataFrame,
        dimensions: Sequence[Dimension],
        columns: Mapping[str, str] | None = None,
        *,
        magnitude: str | None = None,
        contributor: str | None = None,
        largest: int = 2,
        attribute: str | None = None,
    ) -> Table:
        """Tabulate the units (one row each) of ``frame`` by the dimensions' leaf codes.

        ``columns`` maps a dimension name to the frame column holding its codes (default: the
        column of the same name). Every code must be a leaf; totals follow the hierarchies.
        Without ``magnitude`` each cell counts its rows. With ``magnitude="col"`` the table is
        a magnitude table (tau-ARGUS manual, "response variable"; Hundepool et al., 2012,
        section 4.2.2): each cell holds the sum of ``col``, its number of contributors and its
        ``largest`` largest contributions. A contributor is a row, or with ``contributor="col"``
        all rows sharing that column's value (tau-ARGUS's "holding" level: e.g. a school whose
        pupils' funding is summed), computed afresh at every cell, totals included, so a
        contributor spread over several cells is still one contributor of their parent.
        """
        dimensions = tuple(dimensions)
        if magnitude is None:
            if contributor is not None:
                raise TableError(f"table {name!r}: contributor needs a magnitude column")
            counts = leaf_counts(name, frame, dimensions, columns, value=None)
            return cls(name, dimensions, summed_up(counts, dimensions), attribute=attribute)
        values, frequencies, top = magnitude_cells(
            name, frame, dimensions, columns, magnitude, contributor, largest
        )
        return cls(
            name,
            dimensions,
            values,
            frequencies=frequencies,
            largest=top,
            measure=magnitude,
            attribute=attribute,
        )

    @classmethod
    def from_leaf_cells(
        cls,
        name: str,
        frame: pl.DataFrame,
        dimensions: Sequence[Dimension],
        value: str = VALUE,
        *,
        attribute: str | None = None,
    ) -> Table:
        """A count table from counts of leaf cells only (one row per leaf combination, missing
        rows are 0); subtotals and totals are summed along the hierarchies (a frequency table,
        Hundepool et al., 2012, ch. 5, with the additive relations of 4.3)."""
        dimensions = tuple(dimensions)
        counts = leaf_counts(name, frame, dimensions, None, value=value)
        return cls(name, dimensions, summed_up(counts, dimensions), attribute=attribute)

    @classmethod
    def from_cells(
        cls,
        name: str,
        frame: pl.DataFrame,
        dimensions: Sequence[Dimension],
        value: str = VALUE,
        *,
        frequency: str | None = None,
        largest: Sequence[str] = (),
        measure: str | None = None,
        attribute: str | None = None,
    ) -> Table:
        """A table from pre-aggregated cells, totals and subtotals included (missing rows are 0).

        Raises :class:`AdditivityError` naming every relation where a parent cell differs from
        the sum of its children. For a magnitude table give ``frequency`` (the column of
        contributor counts), ``largest`` (the columns of the largest contributions, largest
        first) and ``measure`` (the summed variable's name; default ``value``); contributor
        counts are not checked for additivity, since one contributor can sit in several cells.
        The cells must satisfy the table's additive relations (Hundepool et al., 2012, 4.3).
        """
        dimensions = tuple(dimensions)
        values = cell_array(name, frame, dimensions, value)
        failures = list(additivity_failures(name, values, dimensions))
        if failures:
            raise AdditivityError(failures)
        if frequency is None:
            if largest or measure is not None:
                raise TableError(f"table {name!r}: a magnitude table needs a frequency column")
            return cls(name, dimensions, values, attribute=attribute)
        if not largest:
            raise TableError(f"table {name!r}: a magnitude table needs its largest contributions")
        frequencies = cell_array(name, frame, dimensions, frequency)
        top = np.stack([cell_array(name, frame, dimensions, c) for c in largest], axis=-1)
        return cls(
            name,
            dimensions,
            values,
            frequencies=frequencies,
            largest=top,
            measure=measure or value,
            attribute=attribute,
        )

    # --- views --------------------------------------------------------------------------------

    @property
    def shape(self) -> tuple[int, ...]:
        """The number of codes of each dimension (totals and subtotals included): the table's
        cells as in Hundepool et al., 2012, 4.3, one per combination of codes."""
        return self.values.shape

    @property
    def size(self) -> int:
        """The number of cells of the full cross product, margins included (the table
        structure of Hundepool et al., 2012, 4.3)."""
        return int(self.values.size)

    @property
    def grand_total(self) -> int:
        """The value of the cell where every dimension is at its total (the overall total,
        Hundepool et al., 2012, ch. 4)."""
        return int(self.values[(0,) * len(self.dimensions)])

    @cached_property
    def cells(self) -> pl.DataFrame:
        """One row per cell: a Utf8 column per dimension and the Int64 ``value`` (a hierarchical
        table is its cells plus the additive relations among them, Hundepool et al., 2012, 4.3)."""
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
        """The codes of the cell at ``flat_index`` in :attr:`cells` order (one code per
        dimension: the table structure of Hundepool et al., 2012, 4.3)."""
        position = np.unravel_index(flat_index, self.shape)
        return {d.name: d.codes[int(i)] for d, i in zip(self.dimensions, position, strict=True)}

    def relation_parts(self) -> tuple[np.ndarray, list[np.ndarray], np.ndarray]:
        """The relations as index arrays, in a fixed order (by dimension, parent code, then the
        other dimensions' cells): ``parents[r]`` is the flat index of relation ``r``'s parent
        cell, ``children[r]`` the flat indices of its children and ``axes[r]`` the position of
        the dimension it sums along (the additive relations of Hundepool et al., 2012, 4.3)."""
        return relation_parts(self.dimensions, self.shape)

    def relations(self) -> sp.csr_matrix:
        """The additive relations as a sparse matrix ``M`` with ``M @ values.ravel() == 0``:
        one row per (parent cell, dimension), +1 on the parent and -1 on each child (the
        linear system of Hundepool et al., 2012, 4.3 that an attacker uses)."""
        parents, children, _ = self.relation_parts()
        return relation_matrix(parents, children, self.size)


# --- validation ---------------------------------------------------------------------------------


def _magnitude_parts(
    table: str,
    dimension_names: list[str],
    values: np.ndarray,
    frequencies: np.ndarray | None,
    largest: np.ndarray | None,
    measure: str | None,
) -> tuple[np.ndarray | None, np.ndarray | None, str | None]:
    """Validate a magnitude table's contributor counts and largest contributions (the inputs of
    the dominance and p% rules, Hundepool et al., 2012, section 4.2.2): same shape as the values,
    non-negative, largest first, never more than the cell's sum; None for a count table."""
    if frequencies is None:
        if largest is not None or measure is not None:
            raise TableError(f"table {table!r}: largest contributions need contributor counts")
        return None, None, None
    if largest is None:
        raise TableError(f"table {table!r}: a magnitude table needs its largest contributions")
    if not measure:
        raise TableError(f"table {table!r}: a magnitude table needs the measure's name")
    if MEASURE_KEY in dimension_names:
        raise TableError(f"table {table!r}: {MEASURE_KEY!r} cannot name a dimension")
    freq = np.asarray(frequencies, dtype=np.int64)
    top = np.asarray(largest, dtype=np.int64)
    if freq.shape != values.shape:
        raise TableError(
            f"table {table!r}: frequencies have shape {freq.shape}, need {values.shape}"
        )
    if top.ndim != values.ndim + 1 or top.shape[:-1] != values.shape or top.shape[-1] < 1:
        raise TableError(
            f"table {table!r}: largest contributions have shape {top.shape}, need "
            f"{(*values.shape, 'k')} with k >= 1"
        )
    if (freq < 0).any() or (top < 0).any():
        raise TableError(f"table {table!r}: contributions and frequencies must not be negative")
    if (np.diff(top, axis=-1) > 0).any():
        raise TableError(f"table {table!r}: largest contributions must be in descending order")
    if (top.sum(axis=-1) > values).any():
        raise TableError(f"table {table!r}: largest contributions exceed their cell's sum")
    if ((freq == 0) & (values != 0)).any():
        raise TableError(f"table {table!r}: a cell without contributors has a non-zero sum")
    freq.setflags(write=False)
    top.setflags(write=False)
    return freq, top, measure
