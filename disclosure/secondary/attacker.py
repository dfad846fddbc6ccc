"""The attacker's linear programs used while choosing a suppression pattern.

For a pattern ``x`` (1 = suppressed) the attacker knows the relations ``M y = 0``, the
published cells' values and, for a suppressed cell, ``0 <= y_i <= a_i + U`` (``U`` a generous
slack: counts have no natural upper bound). In deviations ``z = y - a`` this reads
``M z = 0`` and ``-a_i x_i <= z_i <= U x_i``. Cell ``p`` is protected when ``max z_p`` reaches
its upper protection level (Fischetti and Salazar, "Solving the cell suppression problem on
tabular data with linear constraints", Management Science 47, 2001; JASA 95, 2000).

When it does not, LP duality gives a cut every protecting pattern satisfies: for row duals
``lambda`` of the max problem, ``r = e_p - M' lambda``, ``alpha = max(r, 0)``,
``beta = max(-r, 0)``, and ``sum_i (U alpha_i + a_i beta_i) x_i >= UPL_p`` holds for every
``x`` that protects ``p`` (weak duality, for any ``lambda``), while the current pattern violates
it (strong duality). Coefficients are capped at ``UPL_p`` (valid for binary ``x``).
"""

from __future__ import annotations

from dataclasses import dataclass

import highspy
import numpy as np
import scipy.sparse as sp

from disclosure.solver import new_solver

TOLERANCE = 1e-6
INFINITY = highspy.kHighsInf


@dataclass(frozen=True)
class Cut:
    """``sum_i coefficients[i] * x_i >= level`` over the cells in ``cells``."""

    cells: np.ndarray
    coefficients: np.ndarray
    level: float


class AttackerModel:
    """One LP over all unique cells whose bounds follow the current suppression pattern; each
    question changes only the objective and is warm-started from the previous basis."""

    def __init__(self, relations: sp.csr_matrix, values: np.ndarray, slack: float) -> None:
        self.relations = relations.tocsr()
        self.transposed = self.relations.T.tocsr()
        self.values = np.asarray(values, dtype=np.float64)
        self.slack = float(slack)
        n = len(self.values)
        self.pattern = np.zeros(n, dtype=np.float64)
        self._objective_cell: int | None = None
        solver = new_solver()
        solver.setOptionValue("presolve", "off")
        empty_i = np.array([], dtype=np.int32)
        solver.addCols(n, np.zeros(n), np.zeros(n), np.zeros(n), 0, empty_i, empty_i, np.array([]))
        m = self.relations.shape[0]
        if m:
            solver.addRows(
                m,
                np.zeros(m),
                np.zeros(m),
                self.relations.nnz,
                self.relations.indptr[:-1].astype(np.int32),
                self.relations.indices.astype(np.int32),
                self.relations.data.astype(np.float64),
            )
        solver.changeObjectiveSense(highspy.ObjSense.kMaximize)
        self.solver = solver

    def set_pattern(self, suppressed: np.ndarray) -> None:
        """Set the bounds for pattern ``x`` (bool, or fractional in [0, 1] for the master's
        LP relaxation): ``-a_i x_i <= z_i <= U x_i``; published cells are fixed."""
        x = np.asarray(suppressed, dtype=np.float64)
        changed = np.flatnonzero(x != self.pattern)
        if len(changed) == 0:
            return
        share = x[changed]
        lower = -self.values[changed] * share
        upper = np.where(share > 0, self.slack * np.maximum(share, 0.0), 0.0)
        self.solver.changeColsBounds(len(changed), changed.astype(np.int32), lower, upper)
        self.pattern = x.copy()

    def _set_objective(self, cell: int, sign: float) -> None:
        if self._objective_cell is not None:
            self.solver.changeColCost(self._objective_cell, 0.0)
        self.solver.changeColCost(cell, sign)
        self._objective_cell = cell

    def _solve(self) -> tuple[float, np.ndarray | None]:
        self.solver.run()
        status = self.solver.getModelStatus()
        if status == highspy.HighsModelStatus.kOptimal:
            value = self.solver.getInfo().objective_function_value
            return float(value), np.asarray(self.solver.getSolution().row_dual, dtype=np.float64)
        if status in (
            highspy.HighsModelStatus.kUnbounded,
            highspy.HighsModelStatus.kUnboundedOrInfeasible,
        ):
            return INFINITY, None
        raise RuntimeError(f"attacker LP ended with status {status}")

    def max_increase(self, cell: int) -> tuple[float, np.ndarray | None]:
        """The attacker's largest ``y_cell - a_cell`` and the row duals behind it."""
        self._set_objective(cell, 1.0)
        return self._solve()

    def max_decrease(self, cell: int) -> float:
        """The attacker's largest ``a_cell - y_cell``."""
        self._set_objective(cell, -1.0)
        return self._solve()[0]

    def cut(self, cell: int, level: float, duals: np.ndarray, gain: float) -> Cut:
        """The Benders cut for ``cell`` from the row duals of its max problem.

        ``gain`` is the current max; the cut's value at the current pattern must equal it.
        The dual sign convention is checked, not assumed: the cut is valid either way, but only
        the right sign makes it cut off the current pattern.
        """
        for candidate in (duals, -duals):
            reduced = -self.transposed @ candidate
            reduced[cell] += 1.0
            coefficients = self.slack * np.maximum(reduced, 0.0) + self.values * np.maximum(
                -reduced, 0.0
            )
            at_pattern = float(coefficients @ self.pattern)
            if at_pattern <= gain + 1e-6 * max(1.0, abs(gain)):
                capped = np.minimum(coefficients, level)
                cells = np.flatnonzero(capped > 1e-9)
                return Cut(cells=cells, coefficients=capped[cells], level=level)
        raise RuntimeError(f"no violated cut for cell {cell}: dual solution inconsistent")
