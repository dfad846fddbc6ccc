"""The attacker's linear programs used while choosing a suppression pattern.

For a pattern ``x`` (1 = suppressed) the attacker knows the relations ``M y = 0``; for a
published cell ``known_low_i <= y_i <= known_high_i`` (both equal to the value unless the cell is
published rounded); for a suppressed cell ``0 <= y_i <= a_i + U`` (``U`` a generous slack:
counts have no natural upper bound). In deviations ``z = y - a`` the bounds are linear in ``x``:

    l_i(x) = L0_i - (a_i + L0_i) x_i <= z_i <= U0_i + (U - U0_i) x_i = u_i(x)

with ``L0 = known_low - a <= 0`` and ``U0 = known_high - a >= 0``. Cell ``p`` is protected when
``max z_p >= UPL_p``, ``max (-z_p) >= LPL_p`` and their sum ``>= SPL_p`` (Fischetti and Salazar,
"Solving the cell suppression problem on tabular data with linear constraints", Management
Science 47, 2001; JASA 95, 2000; tau-ARGUS manual, "Optimal").

LP duality gives a cut every protecting pattern satisfies. For row duals ``lambda`` of the
problem ``max c'z`` (``c = e_p`` or ``-e_p``), ``r = c - M' lambda``, ``alpha = max(r, 0)``,
``beta = max(-r, 0)``: for every ``x`` the attacker's maximum is at most

    f(x) = sum_i alpha_i u_i(x) - beta_i l_i(x)
         = sum_i (alpha_i U0_i - beta_i L0_i) + sum_i (alpha_i (U - U0_i) + beta_i (a_i + L0_i)) x_i

(weak duality), with equality at the current pattern (strong duality). So ``f(x) >= UPL_p``
(upper), ``g(x) >= LPL_p`` (lower) and ``f(x) + g(x) >= SPL_p`` (sliding) are valid cuts that the
current pattern violates when it leaves ``p`` unprotected. Coefficients are capped at the
right-hand side (valid for binary ``x``).

Alternative levels (reach ``a_p + AUPL_p`` OR ``a_p - ALPL_p``) get a binary choice ``d_p`` in
the master (1 = the upper side): ``f(x) >= AUPL_p d_p`` and ``g(x) >= ALPL_p (1 - d_p)`` are
valid for every protecting pattern with the side it meets, and the current ``(x, d)`` violates
one of them when the side chosen is not reached (a disjunctive form of the same cuts).
Method note: ``docs/methods/secondary-optimal.md``.
"""

from __future__ import annotations

from dataclasses import dataclass

import highspy
import numpy as np
import scipy.sparse as sp

from disclosure.levels import KnownBounds, ProtectionLevels
from disclosure.solver import new_solver

TOLERANCE = 1e-6
INFINITY = highspy.kHighsInf


@dataclass(frozen=True)
class Cut:
    """``sum_i coefficients[i] * x_i >= level`` over the cells in ``cells``: a Benders cut of
    the master problem (Fischetti and Salazar, JASA 2000)."""

    cells: np.ndarray
    coefficients: np.ndarray
    level: float


class DualBoundError(RuntimeError):
    """The attacker LP's duals give no valid Benders cut (Fischetti and Salazar, JASA 2000),
    even solved from scratch (a numerical failure of the LP solver): the optimal method
    cannot go on and keeps the best protecting pattern it has."""


@dataclass(frozen=True)
class DualBound:
    """``constant + coefficients @ x``: an upper bound, for every pattern ``x``, on the
    attacker's largest move of one cell in one direction (from one dual solution; LP duality
    on the attacker's LP of Fischetti and Salazar, JASA 2000)."""

    constant: float
    coefficients: np.ndarray


def combined_cut(bounds: list[DualBound], level: float) -> Cut | None:
    """The cut ``sum of bounds >= level`` with the constants moved right and coefficients
    capped at the right-hand side; None when the constants alone already reach ``level``. A
    Benders cut of the master problem of Fischetti and Salazar, JASA 2000."""
    constant = sum(b.constant for b in bounds)
    coefficients = np.sum([b.coefficients for b in bounds], axis=0)
    rhs = level - constant
    if rhs <= TOLERANCE:
        return None
    capped = np.minimum(coefficients, rhs)
    cells = np.flatnonzero(capped > 1e-9)
    return Cut(cells=cells, coefficients=capped[cells], level=rhs)


class AttackerModel:
    """One LP over all unique cells whose bounds follow the current suppression pattern; each
    question changes only the objective and is warm-started from the previous basis (the
    attacker's LP of Fischetti and Salazar, JASA 2000; Hundepool et al., 2012, 4.3.2)."""

    def __init__(
        self,
        relations: sp.csr_matrix,
        values: np.ndarray,
        slack: float,
        known: KnownBounds | None = None,
    ) -> None:
        """Build the attacker's LP (Fischetti and Salazar 2000): deviations ``z = y - a`` within
        the published cells' known bounds, subject to ``M z = 0``; patterns change the bounds."""
        self.relations = relations.tocsr()
        self.transposed = self.relations.T.tocsr()
        self.values = np.asarray(values, dtype=np.float64)
        self.slack = float(slack)
        known = known or KnownBounds.exact(self.values)
        self.published_low = np.minimum(np.asarray(known.low, float) - self.values, 0.0)
        self.published_high = np.maximum(np.asarray(known.high, float) - self.values, 0.0)
        n = len(self.values)
        self.pattern = np.zeros(n, dtype=np.float64)
        self._objective_cell: int | None = None
        solver = new_solver()
        solver.setOptionValue("presolve", "off")
        empty_i = np.array([], dtype=np.int32)
        solver.addCols(
            n,
            np.zeros(n),
            self.published_low,
            self.published_high,
            0,
            empty_i,
            empty_i,
            np.array([]),
        )
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

    def _lower(self, x: np.ndarray, cells: np.ndarray | slice = slice(None)) -> np.ndarray:
        """The lower deviation bound ``l_i(x)`` of the module docstring for ``cells``."""
        low = self.published_low[cells]
        return low - (self.values[cells] + low) * x

    def _upper(self, x: np.ndarray, cells: np.ndarray | slice = slice(None)) -> np.ndarray:
        """The upper deviation bound ``u_i(x)`` of the module docstring for ``cells``."""
        high = self.published_high[cells]
        upper = high + (self.slack - high) * x
        return np.where(x > 0, upper, high)

    def set_pattern(self, suppressed: np.ndarray) -> None:
        """Set the bounds for pattern ``x`` (bool, or fractional in [0, 1] for the master's
        LP relaxation): ``l_i(x) <= z_i <= u_i(x)``, the attacker's bounds of Fischetti and
        Salazar, JASA 2000, linear in ``x``."""
        x = np.asarray(suppressed, dtype=np.float64)
        changed = np.flatnonzero(x != self.pattern)
        if len(changed) == 0:
            return
        share = x[changed]
        self.solver.changeColsBounds(
            len(changed),
            changed.astype(np.int32),
            self._lower(share, changed),
            self._upper(share, changed),
        )
        self.pattern = x.copy()

    def _set_objective(self, cell: int, sign: float) -> None:
        """Maximise ``sign * z_cell`` (the attacker's question about one cell)."""
        if self._objective_cell is not None:
            self.solver.changeColCost(self._objective_cell, 0.0)
        self.solver.changeColCost(cell, sign)
        self._objective_cell = cell

    def _solve(self) -> tuple[float, np.ndarray | None]:
        """Solve the attacker LP: its optimum and row duals, or infinity when unbounded."""
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
        """The attacker's largest ``y_cell - a_cell`` and the row duals behind it (the upper
        attacker LP of Fischetti and Salazar, JASA 2000)."""
        self._set_objective(cell, 1.0)
        return self._solve()

    def max_decrease(self, cell: int) -> tuple[float, np.ndarray | None]:
        """The attacker's largest ``a_cell - y_cell`` and the row duals behind it (the lower
        attacker LP of Fischetti and Salazar, JASA 2000)."""
        self._set_objective(cell, -1.0)
        return self._solve()

    def dual_bound(self, cell: int, sign: float, duals: np.ndarray, gain: float) -> DualBound:
        """``f(x)`` (see the module docstring) for ``max sign * z_cell`` from its row duals.

        ``gain`` is the current max; ``f`` at the current pattern must equal it. The dual sign
        convention is checked, not assumed: the bound is valid either way, but only the right
        sign makes it tight at the current pattern. Weak and strong LP duality, as in
        Fischetti and Salazar, JASA 2000.

        Called right after the LP for ``(cell, sign)`` was solved. Should its duals not give
        a tight bound (a warm-started simplex can end on numerically inexact duals), the LP
        is solved again from scratch once; if that fails too, :class:`DualBoundError`.
        """
        found = self._tight_bound(cell, sign, duals, gain)
        if found is None:
            self.solver.clearSolver()  # forget the basis: solve from scratch
            gain, fresh = self._solve()
            found = None if fresh is None else self._tight_bound(cell, sign, fresh, gain)
        if found is None:
            raise DualBoundError(f"no tight dual bound for cell {cell}: dual solution inconsistent")
        return found

    def _tight_bound(
        self, cell: int, sign: float, duals: np.ndarray, gain: float
    ) -> DualBound | None:
        """The bound ``f`` of :meth:`dual_bound` from ``duals`` (either sign convention) if it
        equals ``gain`` at the current pattern, else None."""
        for candidate in (duals, -duals):
            reduced = -self.transposed @ candidate
            reduced[cell] += sign
            alpha = np.maximum(reduced, 0.0)
            beta = np.maximum(-reduced, 0.0)
            constant = float(alpha @ self.published_high - beta @ self.published_low)
            coefficients = alpha * (self.slack - self.published_high) + beta * (
                self.values + self.published_low
            )
            at_pattern = constant + float(coefficients @ self.pattern)
            if at_pattern <= gain + 1e-6 * max(1.0, abs(gain)):
                return DualBound(constant, coefficients)
        return None

    def cut(self, cell: int, level: float, duals: np.ndarray, gain: float) -> Cut:
        """The Benders cut ``f(x) >= level`` for the upper protection of ``cell`` (Fischetti and
        Salazar, JASA 2000)."""
        found = combined_cut([self.dual_bound(cell, 1.0, duals, gain)], level)
        if found is None:
            raise RuntimeError(f"no violated cut for cell {cell}")
        return found

    def violated_cuts(self, cell: int, levels: ProtectionLevels) -> list[Cut]:
        """Every cut (upper, lower, sliding) the current pattern violates for primary ``cell``;
        empty when ``cell`` is protected (Fischetti and Salazar, JASA 2000; Hundepool et al.,
        2012, 4.3.2)."""
        upper, lower, sliding = (
            float(levels.upper[cell]),
            float(levels.lower[cell]),
            float(levels.sliding[cell]),
        )
        cuts: list[Cut] = []
        up = down = None
        up_gain = down_gain = 0.0
        if upper > 0 or sliding > 0:
            up_gain, duals = self.max_increase(cell)
            if duals is not None:
                up = self.dual_bound(cell, 1.0, duals, up_gain)
        if lower > 0 or sliding > 0:
            down_gain, duals = self.max_decrease(cell)
            if duals is not None:
                down = self.dual_bound(cell, -1.0, duals, down_gain)
        if upper > 0 and up is not None and up_gain < upper - TOLERANCE:
            cuts.append(_required(combined_cut([up], upper), cell))
        if lower > 0 and down is not None and down_gain < lower - TOLERANCE:
            cuts.append(_required(combined_cut([down], lower), cell))
        if (
            sliding > 0
            and up is not None
            and down is not None
            and up_gain + down_gain < sliding - TOLERANCE
        ):
            cuts.append(_required(combined_cut([up, down], sliding), cell))
        return cuts


def upper_sides(
    attacker: AttackerModel, pattern: np.ndarray, levels: ProtectionLevels
) -> np.ndarray:
    """A mask over all cells, true for each cell with alternative levels protected on its
    upper side by ``pattern`` (the attacker's largest value is at least ``a + AUPL``): where
    both sides are reached, the side asking the smaller move (for a count below the threshold
    ``t``, reaching 0 for ``a < t / 2``), so a search held to that side keeps the easier
    requirement. The attacker's upper and lower LPs of Fischetti and Salazar, JASA 2000, asked
    of each alternative cell."""
    attacker.set_pattern(pattern)
    sides = np.zeros(len(levels.primary), dtype=bool)
    for p in np.flatnonzero(levels.alternative):
        up = attacker.max_increase(int(p))[0] >= levels.alt_upper[p] - TOLERANCE
        if up and levels.alt_upper[p] > levels.alt_lower[p]:
            # both sides may be reached: keep the one asking the smaller move
            up = attacker.max_decrease(int(p))[0] < levels.alt_lower[p] - TOLERANCE
        sides[p] = up
    return sides


def alternative_cuts(
    attacker: AttackerModel,
    cell: int,
    up_level: float,
    down_level: float,
    choice: float,
    column: int,
) -> list[Cut]:
    """The cuts the current pattern and side choice ``choice`` (master column ``column``, 1 =
    upper side) violate for a cell with alternative levels (module docstring); empty when the
    chosen side is reached, or when a level of 0 makes the requirement trivially met. The
    Benders cuts of Fischetti and Salazar, JASA 2000, with a side choice."""
    if up_level <= 0 or down_level <= 0:
        return []
    cuts: list[Cut] = []
    if choice > TOLERANCE:
        gain, duals = attacker.max_increase(cell)
        if duals is not None and gain < up_level * choice - TOLERANCE:
            bound = attacker.dual_bound(cell, 1.0, duals, gain)
            found = combined_cut([bound], up_level)
            if found is not None:  # f(x) >= rhs * d
                cuts.append(_with_choice(found, column, -found.level, 0.0))
    if choice < 1 - TOLERANCE:
        gain, duals = attacker.max_decrease(cell)
        if duals is not None and gain < down_level * (1 - choice) - TOLERANCE:
            bound = attacker.dual_bound(cell, -1.0, duals, gain)
            found = combined_cut([bound], down_level)
            if found is not None:  # g(x) >= rhs * (1 - d)
                cuts.append(_with_choice(found, column, found.level, found.level))
    return cuts


def _with_choice(cut: Cut, column: int, coefficient: float, level: float) -> Cut:
    """``cut`` over the cells plus ``coefficient`` times the choice column, ``>= level``."""
    return Cut(
        cells=np.append(cut.cells, column),
        coefficients=np.append(cut.coefficients, coefficient),
        level=level,
    )


def _required(cut: Cut | None, cell: int) -> Cut:
    """The cut, or an error: a violated protection requirement always yields one."""
    if cut is None:
        raise RuntimeError(f"cell {cell}: a violated requirement gave no cut")
    return cut
