"""The attacker's model over a new release and an earlier one, and the interval of a change.

One LP model (:class:`~disclosure.intervals.IntervalSolver`) over the cells of both releases
and, after removals or additions only, one non-negative change count per paired cell
(``a - b + s = 0`` or ``a - b - s = 0``): what the attacker of Hundepool et al., 2012, 4.3.4
knows of two linked releases (4.4). From it, the whole-number interval of a cell or of a
change, whether a change is pinned inside ``1..t-1`` (the difference rule), and whether the
earlier release and the totals over every attribute pin it already (the baseline).
Used by :mod:`disclosure.over_time.joint_audit`; method note
``docs/methods/releases-over-time.md``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import scipy.sparse as sp

from disclosure.intervals import IntervalSolver
from disclosure.levels import KnownBounds
from disclosure.linking import LinkedCells
from disclosure.over_time.difference_rule import small_changes
from disclosure.over_time.earlier import attribute_cells

_EPS = 1e-6


def whole(found: Any) -> tuple[float, float]:
    """An LP interval in whole numbers: ceil of the minimum, floor of the maximum (the
    audit of Hundepool et al., 2012, 4.3.4)."""
    low = math.ceil(found.lower - _EPS)
    high = math.floor(found.upper + _EPS) if math.isfinite(found.upper) else math.inf
    return float(low), float(high)


def joint_system(
    new: LinkedCells,
    new_hidden: np.ndarray,
    new_known: KnownBounds,
    old: LinkedCells,
    old_hidden: np.ndarray,
    old_known: KnownBounds,
    pairs: tuple[np.ndarray, np.ndarray],
    change: str,
) -> IntervalSolver:
    """One attacker model over both releases' cells and, after removals or additions only,
    one non-negative change count per paired cell (module docstring; Hundepool et al.,
    2012, 4.3.4 over linked tables, 4.4)."""
    n, m = new.size, old.size
    new_cells, old_cells = pairs
    linking = change in ("removals", "additions") and len(new_cells) > 0
    p = len(new_cells) if linking else 0
    blocks = [
        sp.hstack([new.relations, sp.csr_matrix((new.relations.shape[0], m + p))]),
        sp.hstack(
            [
                sp.csr_matrix((old.relations.shape[0], n)),
                old.relations,
                sp.csr_matrix((old.relations.shape[0], p)),
            ]
        ),
    ]
    change_values = np.zeros(p)
    if linking:
        sign = 1.0 if change == "removals" else -1.0  # a - b + s = 0 or a - b - s = 0
        rows = np.repeat(np.arange(p), 3)
        cols = np.column_stack([new_cells, n + old_cells, n + m + np.arange(p)]).ravel()
        data = np.tile([1.0, -1.0, sign], p)
        blocks.append(sp.csr_matrix((data, (rows, cols)), shape=(p, n + m + p)))
        change_values = sign * (old.values[old_cells] - new.values[new_cells])
        if (change_values < 0).any():
            raise ValueError(
                f"the change is not {change} only: some paired cell moved the other way"
            )
    relations = sp.vstack(blocks).tocsr()
    values = np.concatenate([new.values, old.values, change_values]).astype(np.float64)
    hidden = np.concatenate([new_hidden, old_hidden, np.ones(p, dtype=bool)])
    known = KnownBounds(
        np.concatenate([new_known.low, old_known.low, np.zeros(p)]),
        np.concatenate([new_known.high, old_known.high, np.full(p, np.inf)]),
    )
    return IntervalSolver(relations, values, hidden, known)


def small_pairs(
    new: LinkedCells,
    old: LinkedCells,
    pairs: tuple[np.ndarray, np.ndarray],
    wanted: Sequence[str],
    totals: Mapping[str, str],
    t: int,
) -> tuple[np.ndarray, np.ndarray]:
    """The new and old cells of the paired attribute cells whose change is ``1..t-1`` (the
    threshold rule on the difference table, Hundepool et al., 2012, 4.2.1)."""
    new_cells, old_cells = pairs
    if not len(new_cells):
        return new_cells, old_cells
    attribute = attribute_cells(new, new_cells, wanted, totals)
    small = small_changes(new.values[new_cells], old.values[old_cells], attribute, t)
    return new_cells[small], old_cells[small]


def inside(interval: tuple[float, float], t: int) -> bool:
    """A change's interval inside ``1..t-1`` or ``-(t-1)..-1``: the difference rule, the
    threshold rule (Hundepool et al., 2012, 4.2.1) on the table of differences."""
    low, high = interval
    return (low >= 1 and high <= t - 1) or (-(t - 1) <= low and high <= -1)


def change_interval(
    solver: IntervalSolver,
    bounds_low: np.ndarray,
    bounds_high: np.ndarray,
    pairs: tuple[np.ndarray, np.ndarray],
    k: int,
    n: int,
    m: int,
    change: str,
) -> tuple[float, float]:
    """The whole-number interval of the change ``d = a - b`` of pair ``k``: from the
    removal (or addition) count of the joint model, or else from the two cells' intervals
    (``bounds_*``: new cells then old cells); the attacker's interval of Hundepool et al.,
    2012, 4.3.4."""
    if change in ("removals", "additions"):
        s_low, s_high = whole(solver.interval(n + m + k))
        sign = -1.0 if change == "removals" else 1.0
        low, high = sorted((sign * s_low, sign * s_high))
        return low, high
    i, j = int(pairs[0][k]), n + int(pairs[1][k])
    return bounds_low[i] - bounds_high[j], bounds_high[i] - bounds_low[j]


def pinned_by_totals(
    new: LinkedCells,
    old: LinkedCells,
    old_hidden: np.ndarray,
    new_known: KnownBounds,
    old_known: KnownBounds,
    pairs: tuple[np.ndarray, np.ndarray],
    change: str,
    attribute: np.ndarray,
    candidates: list[int],
    t: int,
) -> set[int]:
    """Of the pinned changes ``candidates`` (pair indices), those the attacker pins already
    from the earlier release and the new release's cells at the total of every attribute
    (how many pupils changed in each place, which the rule lets a release show): e.g. a
    pupil who left a primary school was in key stage R-6. Such a change is disclosed by
    the totals, not by this release's pattern (module docstring) (Hundepool et al., 2012, 4.3.4)."""
    baseline = joint_system(new, attribute, new_known, old, old_hidden, old_known, pairs, change)
    low = np.concatenate([new_known.low, old_known.low])
    high = np.concatenate([new_known.high, old_known.high])
    cells = np.flatnonzero(np.concatenate([attribute, old_hidden]))
    if change not in ("removals", "additions"):
        wanted = set()
        for k in candidates:
            wanted |= {int(pairs[0][k]), new.size + int(pairs[1][k])}
        cells = np.array(sorted(set(cells.tolist()) & wanted), dtype=np.int64)
        for i, found in zip(cells, baseline.intervals(cells), strict=True):
            low[i], high[i] = whole(found)
    return {
        k
        for k in candidates
        if inside(change_interval(baseline, low, high, pairs, k, new.size, old.size, change), t)
    }
