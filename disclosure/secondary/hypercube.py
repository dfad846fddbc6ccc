"""The hypercube heuristic for one non-hierarchical subtable: one cheapest box per primary move.

In a ``d``-dimensional table with its marginals (a subtable of the modular method), moving cell
``p = (i_1, ..., i_d)`` by ``m`` while keeping every relation additive is possible along a
"hypercube": pick one other index ``j_a`` on every axis; the ``2^d`` cells that take ``i_a``
or ``j_a`` on each axis move by ``+m`` or ``-m``: along an axis a sibling index moves against
``p`` and the axis total (index 0) with it, and the signs multiply over the axes. Suppressing
the box's cells lets the attacker make that move, so it protects ``p`` to level ``|m|`` if every
cell moving down has a value of at least ``|m|`` (counts stay ``>= 0``) and no cell of the box
is forced published. Among all ``prod (n_a - 1)`` boxes the one whose unsuppressed cells cost
least is chosen; a box already fully suppressed means the move is possible already. This is
the GHMITER hypercube method of Repsilber (tau-ARGUS manual, "Hypercube"; Hundepool et al.,
2012, section 4.3.3; Giessing and Repsilber 2002), evaluated for all boxes at once with numpy
instead of one LP per primary: two orders of magnitude faster than the LP heuristic
(:mod:`disclosure.secondary.heuristic`) on a 3,224-cell subtable, which stays the fallback for a
move no single box can make, but it cannot combine suppressions already made the way the LP
does, so its patterns cost more.

Primaries are visited in cell order and each box is chosen given the suppressions made so far,
so the same input gives the same pattern.
Method note: ``docs/methods/secondary-hypercube.md``.
"""

from __future__ import annotations

import itertools

import numpy as np
import scipy.sparse as sp

from disclosure.errors import ProtectionInfeasibleError
from disclosure.levels import ProtectionLevels
from disclosure.secondary.heuristic import heuristic_pattern, required_moves


def hypercube_pattern(
    shape: tuple[int, ...],
    relations: sp.csr_matrix,
    values: np.ndarray,
    levels: ProtectionLevels,
    forced: np.ndarray,
    costs: np.ndarray,
    slack: float,
    start: np.ndarray | None = None,
) -> np.ndarray:
    """A pattern (bool per cell, C order over ``shape``) protecting every primary of one
    subtable to its levels with one box per move (module docstring). ``relations`` are the
    subtable's additive relations, used only by the LP heuristic when no box can make a move;
    ``start``: cells already suppressed (kept, free to use). Raises
    :class:`ProtectionInfeasibleError` when neither a box nor the LP heuristic can protect a
    primary. The hypercube method of Repsilber (tau-ARGUS manual, "Hypercube"; Hundepool et
    al., 2012, 4.3.3)."""
    values = np.asarray(values, dtype=np.float64)
    pattern = np.asarray(levels.primary, dtype=bool).copy()
    if start is not None:
        pattern |= start
    cost = np.asarray(costs, dtype=np.float64).reshape(shape)
    value = values.reshape(shape)
    blocked = (np.asarray(forced, dtype=bool) & ~pattern).reshape(shape)
    grid = pattern.reshape(shape)  # a view: suppressions show up in it at once
    axes = range(len(shape))
    subsets = [set(s) for r in range(1, len(shape) + 1) for s in itertools.combinations(axes, r)]
    short: list[int] = []
    for p in np.flatnonzero(levels.primary):
        at = np.unravel_index(int(p), shape)
        others = [np.delete(np.arange(n), i) for n, i in zip(shape, at, strict=True)]
        if any(len(o) == 0 for o in others):
            short.append(int(p))
            continue
        for alternatives in required_moves(levels, values, int(p)):
            price = np.where(grid, 0.0, np.where(blocked, np.inf, cost))
            # the cheapest box of each alternative move; the cheapest of those (first on a tie)
            boxes = [_box_prices(move, price, value, others, at, subsets) for move in alternatives]
            bests = [int(np.argmin(total)) for total in boxes]
            pick = min(range(len(boxes)), key=lambda j: boxes[j].flat[bests[j]])
            total, best = boxes[pick], bests[pick]
            if not np.isfinite(total.flat[best]):
                short.append(int(p))
                break
            if total.flat[best] <= 0:
                continue
            chosen = np.unravel_index(best, total.shape)
            for subset in subsets:
                cell = tuple(
                    int(others[a][chosen[a]]) if a in subset else int(at[a])
                    for a in range(len(shape))
                )
                grid[cell] = True
    if short:
        # moves no single box makes: the LP heuristic finds a combination, or proves none exists
        pattern = heuristic_pattern(
            relations,
            values,
            levels.restricted_to(_mask(len(values), short)),
            forced & ~pattern,
            costs,
            slack,
            start=pattern,
        )
    if not pattern[levels.primary].all():
        raise ProtectionInfeasibleError("a primary cell was left published")
    return pattern


def _box_prices(
    move: float,
    price: np.ndarray,
    value: np.ndarray,
    others: list[np.ndarray],
    at: tuple[np.intp, ...],
    subsets: list[set[int]],
) -> np.ndarray:
    """The cost of every box through the primary at ``at`` that moves it by ``move``: per
    choice of one other index on each axis, the summed price of the box's corners (a corner
    that must fall by ``|move|`` is impossible below that value; Repsilber's hypercube
    method, tau-ARGUS manual "Hypercube")."""
    axes = range(len(at))
    falling = np.where(value >= abs(move) - 1e-9, price, np.inf)
    total = np.zeros([len(o) for o in others])
    for subset in subsets:
        # per axis, a sibling index moves against p, the total index (0) with it
        # (when p is at the total, every other index moves with it)
        index = tuple(others[a] if a in subset else np.array([at[a]]) for a in axes)
        against = np.zeros([len(i) for i in index], dtype=bool)
        for a in subset:
            flips = (index[a] != 0) & (at[a] != 0)
            against ^= flips.reshape([-1 if b == a else 1 for b in axes])
        falls = against if move > 0 else ~against
        block = np.ix_(*index)
        total = total + np.where(falls, falling[block], price[block])
    return total


def _mask(n: int, cells: list[int]) -> np.ndarray:
    """A boolean mask of length ``n`` true at ``cells``."""
    mask = np.zeros(n, dtype=bool)
    mask[cells] = True
    return mask
