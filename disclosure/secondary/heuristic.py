"""A fast deterministic secondary suppression heuristic: one "cheapest path" LP per primary.

Primary cells are visited in a fixed order (unique-cell order). For primary ``p`` with upper
protection level ``UPL_p`` the LP

    minimise  sum over published cells i of w_i (z+_i + z-_i)
    subject to  M (z+ - z-) = 0,  z+_p = UPL_p,  z-_p = 0,
                0 <= z+_i <= U,  0 <= z-_i <= a_i  (0 for forced-published cells)

finds the cheapest way to move ``p`` up by ``UPL_p`` while keeping every relation additive.
Suppressed cells move for free, so an optimum of 0 means ``p`` is already protected; otherwise
suppressing the published cells that move makes the perturbation feasible for the attacker,
i.e. protects ``p``. Suppressing more only loosens the attacker's bounds, so a primary
protected once stays protected and one pass suffices. This is the LP-based heuristic of
Carvalho, Dellaert and Osorio (1994) and Kelly, Golden and Assad (1992), described in
Hundepool et al., 2012, section 4.3.3.
"""

from __future__ import annotations

import highspy
import numpy as np
import scipy.sparse as sp

from disclosure.errors import ProtectionInfeasibleError
from disclosure.solver import new_solver

_MOVED = 1e-7


class _PathLP:
    """The perturbation LP over all cells, columns ``[z+ (n), z- (n)]``."""

    def __init__(
        self,
        relations: sp.csr_matrix,
        values: np.ndarray,
        forced: np.ndarray,
        costs: np.ndarray,
        slack: float,
    ) -> None:
        n = len(values)
        self.n = n
        self.values = np.asarray(values, dtype=np.float64)
        self.forced = forced
        upper = np.concatenate([np.where(forced, 0.0, slack), np.where(forced, 0.0, self.values)])
        cost = np.concatenate([costs, costs]).astype(np.float64)
        both = sp.hstack([relations, -relations]).tocsr()
        solver = new_solver()
        solver.setOptionValue("presolve", "off")
        empty_i = np.array([], dtype=np.int32)
        solver.addCols(2 * n, cost, np.zeros(2 * n), upper, 0, empty_i, empty_i, np.array([]))
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
        """Suppressed cells move at no cost."""
        if len(cells):
            columns = np.concatenate([cells, cells + self.n]).astype(np.int32)
            self.solver.changeColsCost(len(columns), columns, np.zeros(len(columns)))

    def cheapest_path(self, p: int, level: float) -> tuple[float, np.ndarray] | None:
        """The LP's cost and cells moved, or None when ``p`` cannot move by ``level``."""
        self.solver.changeColBounds(p, level, level)
        self.solver.changeColBounds(p + self.n, 0.0, 0.0)
        self.solver.run()
        status = self.solver.getModelStatus()
        found = None
        if status == highspy.HighsModelStatus.kOptimal:
            x = np.asarray(self.solver.getSolution().col_value)
            moved = np.flatnonzero((x[: self.n] + x[self.n :]) > _MOVED)
            found = float(self.solver.getInfo().objective_function_value), moved
        elif status != highspy.HighsModelStatus.kInfeasible:
            raise RuntimeError(f"path LP ended with status {status}")
        # changing bounds invalidates the solution: read it first, then restore
        self.solver.changeColBounds(p, 0.0, self.upper[p])
        self.solver.changeColBounds(p + self.n, 0.0, self.upper[p + self.n])
        return found


def heuristic_pattern(
    relations: sp.csr_matrix,
    values: np.ndarray,
    primary: np.ndarray,
    levels: np.ndarray,
    forced: np.ndarray,
    costs: np.ndarray,
    slack: float,
    labels: list[str] | None = None,
) -> np.ndarray:
    """A suppression pattern (bool per cell) protecting every primary cell.

    Raises :class:`ProtectionInfeasibleError` when a primary cannot be protected because the
    cells that could hide it are forced published.
    """
    pattern = np.asarray(primary, dtype=bool).copy()
    lp = _PathLP(relations, values, forced, costs, slack)
    lp.free(np.flatnonzero(pattern))
    for p in np.flatnonzero(primary):
        found = lp.cheapest_path(int(p), float(levels[p]))
        if found is None:
            name = labels[p] if labels else str(p)
            raise ProtectionInfeasibleError(
                f"cell ({name}) cannot be protected: every way of hiding it needs a cell that "
                "is forced published"
            )
        cost, moved = found
        if cost <= 0:
            continue
        added = moved[~pattern[moved]]
        pattern[added] = True
        lp.free(added)
    return pattern
