"""A fast deterministic secondary suppression heuristic: one "cheapest path" LP per primary.

Primary cells are visited in a fixed order (unique-cell order). For primary ``p`` with upper
protection level ``UPL_p`` the LP

    minimise  sum over published cells i of w_i (z+_i + z-_i)
    subject to  M (z+ - z- + r+ - r-) = 0,  z+_p = UPL_p,  z-_p = 0,
                0 <= z+_i <= U,  0 <= z-_i <= a_i  (0 for forced-published cells),
                0 <= r+_i <= known_high_i - a_i,  0 <= r-_i <= a_i - known_low_i  (free)

finds the cheapest way to move ``p`` up by ``UPL_p`` while keeping every relation additive
(``r`` is the free movement the attacker already allows a cell published rounded). A lower
level moves ``p`` down the same way; a sliding level widens whichever move is asked for; for
alternative levels both moves are priced and the cheaper is taken.
Suppressed cells move for free, so an optimum of 0 means ``p`` is already protected; otherwise
suppressing the published cells that move makes the perturbation feasible for the attacker,
i.e. protects ``p``. Suppressing more only loosens the attacker's bounds, so a primary
protected once stays protected and one pass suffices. This is the LP-based heuristic of
Carvalho, Dellaert and Osorio (1994) and Kelly, Golden and Assad (1992), described in
Hundepool et al., 2012, section 4.3.3.

Every LP solution, once its moved cells are suppressed, is a perturbation the attacker cannot
exclude, and so is any fraction of it (the feasible set is convex and holds 0). A later
primary that such a perturbation already moves by its level would get an LP optimum of 0 and
add nothing, so its LP is skipped: the pattern is the same, with far fewer LPs on tables
where most cells are primary.
Method note: ``docs/methods/secondary-heuristic.md``.
"""

from __future__ import annotations

import highspy
import numpy as np
import scipy.sparse as sp

from disclosure.errors import ProtectionInfeasibleError
from disclosure.levels import KnownBounds, ProtectionLevels
from disclosure.solver import new_solver

_MOVED = 1e-7


class _PathLP:
    """The perturbation LP over all cells, columns ``[z+ (n), z- (n), r+ (k), r- (k)]`` with
    ``r`` only for the ``k`` cells published inexactly."""

    def __init__(
        self,
        relations: sp.csr_matrix,
        values: np.ndarray,
        forced: np.ndarray,
        costs: np.ndarray,
        slack: float,
        known: KnownBounds | None = None,
    ) -> None:
        """Build the perturbation LP of the module docstring: ``M (z+ - z- + r+ - r-) = 0``
        with cell costs on the moves and forced cells fixed (the LP heuristic of Carvalho,
        Dellaert and Osorio 1994, in Hundepool et al., 2012)."""
        n = len(values)
        self.n = n
        self.loose = np.array([], dtype=np.int64)
        self.values = np.asarray(values, dtype=np.float64)
        self.forced = forced
        upper = np.concatenate([np.where(forced, 0.0, slack), np.where(forced, 0.0, self.values)])
        cost = np.concatenate([costs, costs]).astype(np.float64)
        blocks = [relations, -relations]
        if known is not None and not known.is_exact().all():
            loose = np.flatnonzero(~known.is_exact())
            rounded = relations[:, loose]
            blocks += [rounded, -rounded]
            upper = np.concatenate(
                [
                    upper,
                    np.maximum(np.asarray(known.high)[loose] - self.values[loose], 0.0),
                    np.maximum(self.values[loose] - np.asarray(known.low)[loose], 0.0),
                ]
            )
            cost = np.concatenate([cost, np.zeros(2 * len(loose))])
            self.loose = loose
        both = sp.hstack(blocks).tocsr()
        columns = len(cost)
        solver = new_solver()
        solver.setOptionValue("presolve", "off")
        empty_i = np.array([], dtype=np.int32)
        solver.addCols(columns, cost, np.zeros(columns), upper, 0, empty_i, empty_i, np.array([]))
        m = both.shape[0]
        if m:
            solver.addRows(
                m,
                np.zeros(m),
                np.zeros(m),
                both.nnz,
                both.indptr[:-1].astype(np.int32),
                both.indices.astype(np.int32),
                both.data.astype(np.float64),
            )
        self.solver = solver
        self.upper = upper

    def free(self, cells: np.ndarray) -> None:
        """Suppressed cells move at no cost (only published cells are priced in the LP
        heuristic of Carvalho, Dellaert and Osorio 1994)."""
        if len(cells):
            columns = np.concatenate([cells, cells + self.n]).astype(np.int32)
            self.solver.changeColsCost(len(columns), columns, np.zeros(len(columns)))

    def cheapest_path(self, p: int, level: float) -> tuple[float, np.ndarray, np.ndarray] | None:
        """The LP's cost, the cells it moves (by ``z``) and its net perturbation of every cell,
        or None when ``p`` cannot move by ``level`` (a negative ``level`` moves ``p`` down).
        One LP of the heuristic of Carvalho, Dellaert and Osorio (1994)."""
        up, down = (level, 0.0) if level >= 0 else (0.0, -level)
        self.solver.changeColBounds(p, up, up)
        self.solver.changeColBounds(p + self.n, down, down)
        # Start from the slack basis (nothing moves): with costs >= 0 it is dual feasible, and
        # the dual simplex then builds the path from nothing instead of first taking apart
        # the previous primary's path (half the iterations, each cheaper: 4 times faster on
        # the nightly release's tables), and no LP starts from where an earlier one ended.
        self.solver.setBasis()
        self.solver.run()
        status = self.solver.getModelStatus()
        found = None
        if status == highspy.HighsModelStatus.kOptimal:
            x = np.asarray(self.solver.getSolution().col_value)
            n, k = self.n, len(self.loose)
            moved = np.flatnonzero((x[:n] + x[n : 2 * n]) > _MOVED)
            net = x[:n] - x[n : 2 * n]
            net[self.loose] += x[2 * n : 2 * n + k] - x[2 * n + k : 2 * n + 2 * k]
            found = float(self.solver.getInfo().objective_function_value), moved, net
        elif status != highspy.HighsModelStatus.kInfeasible:
            raise RuntimeError(f"path LP ended with status {status}")
        # changing bounds invalidates the solution: read it first, then restore
        self.solver.changeColBounds(p, 0.0, self.upper[p])
        self.solver.changeColBounds(p + self.n, 0.0, self.upper[p + self.n])
        return found


def required_moves(
    levels: ProtectionLevels, values: np.ndarray, cell: int
) -> list[tuple[float, ...]]:
    """The moves that protect ``cell``, each a tuple of alternatives (any one suffices):
    ``+UPL`` and ``-LPL``, widened to meet the sliding level (upwards, since counts are
    unbounded above; Hundepool et al., 2012, 4.3.1), and ``(+AUPL, -ALPL)`` for alternative
    levels (``disclosure.levels``)."""
    upper, lower, sliding = levels.upper[cell], levels.lower[cell], levels.sliding[cell]
    lower = min(float(lower), float(values[cell]))
    if upper + lower < sliding:
        upper = sliding - lower
    moves: list[tuple[float, ...]] = [(float(upper),)] if upper > 0 else []
    if lower > 0:
        moves.append((-lower,))
    alt_up = float(levels.alt_upper[cell])
    alt_down = min(float(levels.alt_lower[cell]), float(values[cell]))
    either = tuple(m for m in (alt_up, -alt_down) if m != 0)
    if either:
        moves.append(either)
    return moves


def heuristic_pattern(
    relations: sp.csr_matrix,
    values: np.ndarray,
    levels: ProtectionLevels,
    forced: np.ndarray,
    costs: np.ndarray,
    slack: float,
    labels: list[str] | None = None,
    known: KnownBounds | None = None,
    start: np.ndarray | None = None,
) -> np.ndarray:
    """A suppression pattern (bool per cell) protecting every primary cell to its levels.

    ``start``: cells already suppressed (kept, and free to move). Raises
    :class:`ProtectionInfeasibleError` when a primary cannot be protected because the cells that
    could hide it are forced published. The LP-based heuristic of Carvalho, Dellaert and
    Osorio (1994) and Kelly, Golden and Assad (1992); Hundepool et al., 2012, 4.3.3.
    """
    pattern = np.asarray(levels.primary, dtype=bool).copy()
    if start is not None:
        pattern |= start
    lp = _PathLP(relations, values, forced & ~pattern, costs, slack, known)
    lp.free(np.flatnonzero(pattern))
    primaries = np.flatnonzero(levels.primary)
    # the largest up and down moves of each primary among the perturbations found so far
    reach_up = np.zeros(len(primaries))
    reach_down = np.zeros(len(primaries))
    for i, p in enumerate(primaries):
        for alternatives in required_moves(levels, values, int(p)):
            if any(
                (move > 0 and reach_up[i] >= move - _MOVED)
                or (move < 0 and reach_down[i] <= move + _MOVED)
                for move in alternatives
            ):
                continue
            # the cheapest of the alternative moves (the first on a tie)
            options = [lp.cheapest_path(int(p), move) for move in alternatives]
            feasible = [o for o in options if o is not None]
            if not feasible:
                name = labels[p] if labels else str(p)
                raise ProtectionInfeasibleError(
                    f"cell ({name}) cannot be protected: every way of hiding it needs a cell "
                    "that is forced published"
                )
            _, moved, net = min(feasible, key=lambda o: o[0])
            # every cell the path moves is suppressed (a zero-cost cell too), so the
            # perturbation is one the attacker cannot exclude
            added = moved[~pattern[moved]]
            if len(added):
                pattern[added] = True
                lp.free(added)
            reach_up = np.maximum(reach_up, net[primaries])
            reach_down = np.minimum(reach_down, net[primaries])
    return pattern
