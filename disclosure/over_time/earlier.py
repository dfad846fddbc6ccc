"""An earlier release as the attacker knows it: its tables' relations, its published cells
(exactly, or within their rounding interval) and, for a suppressed cell, the interval its own
release leaves (Hundepool et al., 2012, 4.3.4); the protector also knows its true values.

Cells of the new and the earlier release are paired by their coordinates (a cell key of
:func:`disclosure.linking.link_tables`): the same school and categories in a table of the same
dimensions. What the attacker knows of the change is :data:`Change`: only removals (a re-issue
after opt-outs: every cell of the new release is at most the earlier one), only additions, or
anything (leavers and joiners).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import polars as pl

from disclosure.intervals import IntervalSolver
from disclosure.linking import LinkedCells, link_tables
from disclosure.patterns import PRIMARY, pattern_mask
from disclosure.profile import Profile
from disclosure.rounding import published_bounds
from disclosure.table import Table

Change = Literal["removals", "additions", "any"]
_EPS = 1e-6


@dataclass(frozen=True)
class EarlierRelease:
    """An earlier release of tables counting the same population for an overlapping period:
    its tables with their true values, its suppression pattern (per table, a mask or a frame
    with a ``status`` or ``suppressed`` column) and profile, and what is known of the change
    since (:data:`Change`). Linked tables across releases, Hundepool et al., 2012, 4.4."""

    name: str
    tables: Sequence[Table]
    suppressed: Mapping[str, Any]
    profile: Profile
    change: Change = "any"

    def linked(self) -> LinkedCells:
        """The release's unique cells and relations (tau-ARGUS manual, "linked tables")."""
        return link_tables(self.tables)

    def hidden(self, linked: LinkedCells) -> np.ndarray:
        """Per unique cell: suppressed in every table that holds it (a cell published in one
        table is published; the audit of Hundepool et al., 2012, 4.3.4)."""
        return hidden_cells(self.tables, self.suppressed, linked)

    def known_bounds(self, linked: LinkedCells) -> tuple[np.ndarray, np.ndarray]:
        """What the attacker knows of every unique cell from this release alone, in whole
        numbers: a published cell exactly (or its rounding interval), a suppressed cell its
        interval over the release's relations (Hundepool et al., 2012, 4.3.4)."""
        known = published_bounds(linked.values, self.profile, linked.magnitude)
        hidden = self.hidden(linked)
        low, high = known.low.copy(), known.high.copy()
        cells = np.flatnonzero(hidden)
        if len(cells):
            solver = IntervalSolver(linked.relations, linked.values, hidden, known)
            for i, found in zip(cells, solver.intervals(cells), strict=True):
                low[i] = math.ceil(found.lower - _EPS)
                high[i] = math.floor(found.upper + _EPS) if math.isfinite(found.upper) else np.inf
        return low, high


def hidden_cells(
    tables: Sequence[Table], suppressed: Mapping[str, Any], linked: LinkedCells
) -> np.ndarray:
    """Per unique cell of ``linked``: suppressed in every table of ``tables`` that holds it
    (a cell published anywhere is published; Hundepool et al., 2012, 4.3.4)."""
    frames = getattr(suppressed, "tables", suppressed)
    hidden = np.ones(linked.size, dtype=bool)
    for table in tables:
        mask = pattern_mask(table, frames[table.name])
        shown = linked.cell_of[table.name][~mask]
        hidden[shown] = False
    return hidden


def paired_cells(new: LinkedCells, old: LinkedCells) -> tuple[np.ndarray, np.ndarray]:
    """Unique cells of ``new`` and ``old`` with the same coordinates, as two aligned index
    arrays (the same cell of two linked tables: tau-ARGUS manual, "linked tables")."""
    index = {key: i for i, key in enumerate(old.keys)}
    pairs = [(i, index[key]) for i, key in enumerate(new.keys) if key in index]
    if not pairs:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    new_cells, old_cells = zip(*pairs, strict=True)
    return np.array(new_cells, dtype=np.int64), np.array(old_cells, dtype=np.int64)


def attribute_cells(
    linked: LinkedCells, cells: np.ndarray, attributes: Sequence[str], totals: Mapping[str, str]
) -> np.ndarray:
    """Which of ``cells`` are below the total of some attribute dimension (a category of the
    pupils, not only a place or a period): their change says something of the pupils who
    changed. Cells at the total of every attribute dimension (how many pupils changed in a
    school) are not (the threshold rule's cells, Hundepool et al., 2012, 4.2.1, in the table
    of differences)."""
    wanted = set(attributes)
    return np.array(
        [
            any(dim in wanted and code != totals.get(dim) for dim, code in linked.keys[int(i)])
            for i in cells
        ],
        dtype=bool,
    )


def primary_cells(
    tables: Sequence[Table], suppressed: Mapping[str, Any], linked: LinkedCells
) -> np.ndarray:
    """Per unique cell of ``linked``: suppressed as primary in some table (a frame with a
    ``status`` column says so; a plain mask or ``suppressed`` flag counts every suppressed
    cell as primary). The sensitive cells of a pattern (tau-ARGUS manual, "cell status")."""
    frames = getattr(suppressed, "tables", suppressed)
    primary = np.zeros(linked.size, dtype=bool)
    for table in tables:
        given = frames[table.name]
        if isinstance(given, pl.DataFrame) and "status" in given.columns:
            names = [d.name for d in table.dimensions]
            keyed = given.select(*[pl.col(n).cast(pl.Utf8) for n in names], "status")
            joined = table.cells.select(names).join(keyed, on=names, how="left")
            mask = (joined["status"] == PRIMARY).to_numpy()
        else:
            mask = pattern_mask(table, given)
        primary[linked.cell_of[table.name][mask]] = True
    return primary
