"""The attacker's LP over one group of linked suppressed cells, asked many questions.

A group is a set of suppressed cells (and, under rounding, published cells known only within
an interval) that share relations once the published exact cells are moved to the right-hand
side (:class:`disclosure.intervals.IntervalSolver` finds the groups). Its LP is kept between
questions and only the objective changes (minimise or maximise one cell), so it is re-solved by
the primal simplex method from the previous optimal basis, which stays primal feasible: a
handful of pivots instead of a dual phase 1. The attacker's LPs are those of Fischetti and
Salazar, JASA 2000, solved for the audit of Hundepool et al., 2012, section 4.3.4. Method note:
``docs/methods/audit.md``.
"""

from __future__ import annotations

import math

import highspy
import numpy as np
import scipy.sparse as sp

from disclosure.solver import new_solver

PRIMAL_SIMPLEX = 4
"""HiGHS ``simplex_strategy`` for the primal simplex method."""

Duals = tuple[np.ndarray, np.ndarray]
"""Row duals over a group's relations and column duals over its variables."""


class GroupLP:
    """One group's LP: variables ``var`` (positions among the solver's variables), rows
    ``row`` (positions among its rows); each question changes the objective only (the
    attacker's LP of Fischetti and Salazar, JASA 2000, for the audit of Hundepool et al.,
    2012, 4.3.4)."""

    def __init__(
        self,
        var: np.ndarray,
        row: np.ndarray,
        sub: sp.csr_matrix,
        rhs: np.ndarray,
        low: np.ndarray,
        high: np.ndarray,
    ) -> None:
        """Build the group's HiGHS model: suppressed cells >= 0 (published inexact cells within
        their known bounds) subject to its relations (the attacker's LP, Fischetti and
        Salazar 2000), re-solved by the primal simplex method as only the objective changes."""
        self.var, self.row, self.sub, self.rhs = var, row, sub, rhs
        solver = new_solver()
        solver.setOptionValue("presolve", "off")
        solver.setOptionValue("simplex_strategy", PRIMAL_SIMPLEX)
        n = len(var)
        empty_i = np.array([], dtype=np.int32)
        upper = np.where(np.isinf(high), highspy.kHighsInf, high)
        solver.addCols(n, np.zeros(n), low, upper, 0, empty_i, empty_i, np.array([]))
        if len(row):
            solver.addRows(
                len(row),
                rhs,
                rhs,
                sub.nnz,
                sub.indptr[:-1].astype(np.int32),
                sub.indices.astype(np.int32),
                sub.data.astype(np.float64),
            )
        self.solver = solver
        self._last: int | None = None

    def optimise(
        self, k: int, sense: highspy.ObjSense
    ) -> tuple[float, Duals | None, np.ndarray | None]:
        """Minimise or maximise variable ``k`` (the attacker's LP, Fischetti and Salazar 2000):
        the optimum, its row and column duals and the optimal point, or infinity (and no
        duals, no point) when unbounded."""
        if self._last is not None:
            self.solver.changeColCost(self._last, 0.0)
        self.solver.changeColCost(k, 1.0)
        self._last = k
        self.solver.changeObjectiveSense(sense)
        status = self._solve()
        if status == highspy.HighsModelStatus.kOptimal:
            solution = self.solver.getSolution()
            duals = (
                np.asarray(solution.row_dual, dtype=np.float64),
                np.asarray(solution.col_dual, dtype=np.float64),
            )
            point = np.asarray(solution.col_value, dtype=np.float64)
            return float(self.solver.getInfo().objective_function_value), duals, point
        if status in (
            highspy.HighsModelStatus.kUnbounded,
            highspy.HighsModelStatus.kUnboundedOrInfeasible,
        ):
            return math.inf, None, None
        raise RuntimeError(f"audit LP ended with status {status}")

    def witness(self, weights: np.ndarray, upper: np.ndarray) -> np.ndarray | None:
        """A feasible point pushed along ``weights`` (maximise ``weights @ x`` with every
        variable at most ``upper`` as well, which keeps the LP bounded): a witness of values
        the attacker cannot exclude, as the audit's witnesses of ``docs/methods/audit.md``
        (Fischetti and Salazar, JASA 2000; the audit of Hundepool et al., 2012, 4.3.4).
        ``None`` when the LP has no optimum. The model's costs and bounds are restored."""
        n = len(self.var)
        columns = np.arange(n, dtype=np.int32)
        lp = self.solver.getLp()
        low = np.asarray(lp.col_lower_, dtype=np.float64)
        high = np.asarray(lp.col_upper_, dtype=np.float64)
        capped = np.minimum(high, np.maximum(upper, low))
        self.solver.changeColsBounds(n, columns, low, capped)
        self.solver.changeColsCost(n, columns, weights.astype(np.float64))
        self.solver.changeObjectiveSense(highspy.ObjSense.kMaximize)
        try:
            status = self._solve()
            if status != highspy.HighsModelStatus.kOptimal:
                return None
            return np.asarray(self.solver.getSolution().col_value, dtype=np.float64)
        finally:
            self.solver.changeColsBounds(n, columns, low, high)
            self.solver.changeColsCost(n, columns, np.zeros(n))
            self._last = None

    def _solve(self) -> highspy.HighsModelStatus:
        """Run the warm-started primal simplex; if it stops without a verdict (numerical
        trouble on a large rounded problem), solve once more from scratch with HiGHS's own
        choice of method and presolve, then go back to warm starts."""
        self.solver.run()
        status = self.solver.getModelStatus()
        if status in _VERDICTS:
            return status
        self.solver.clearSolver()
        self.solver.setOptionValue("presolve", "on")
        self.solver.setOptionValue("simplex_strategy", 0)
        try:
            self.solver.run()
            return self.solver.getModelStatus()
        finally:
            self.solver.setOptionValue("presolve", "off")
            self.solver.setOptionValue("simplex_strategy", PRIMAL_SIMPLEX)


_VERDICTS = (
    highspy.HighsModelStatus.kOptimal,
    highspy.HighsModelStatus.kUnbounded,
    highspy.HighsModelStatus.kUnboundedOrInfeasible,
    highspy.HighsModelStatus.kInfeasible,
)
