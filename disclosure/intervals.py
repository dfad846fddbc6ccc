"""The attacker's interval for suppressed cells: min and max over everything published.

For a pattern, the attacker knows the relations ``M y = 0``, every published cell (exactly, or
within its rounding interval) and that every suppressed cell is ``>= 0`` (Hundepool et al.,
2012, section 4.3.4 "auditing"; tau-ARGUS manual, "audit"; the attacker's LPs are those of
Fischetti and Salazar, JASA 2000). Published exact cells are constants, so they move to the
right-hand side: the suppressed cells split into groups that share no relation, and each group
is its own small LP (most are tiny; a 200,000-cell table's pattern splits into hundreds).

Three things keep the many LPs cheap without changing any answer:

- each group's LP is kept between questions and only its objective changes, so it is
  re-solved with the primal simplex method from the previous optimal basis (which stays primal
  feasible: a handful of pivots instead of a dual phase 1);
- every LP solution is a point the attacker cannot exclude (a witness): the smallest and
  largest value seen for each cell bound its interval from inside. A witness at a cell's lower
  bound (0 for a suppressed count) is its exact minimum, and a witness at the upper bound one
  relation alone gives the cell (one round of bound propagation) is its exact maximum, so those
  LPs are skipped (on the benchmark tables nine maxima in ten are such a bound);
- requirement checks (:meth:`IntervalSolver.reaches`, :meth:`IntervalSolver.is_exact`) solve
  an LP only when the witnesses so far do not already show the requirement met. The true
  values are the first witness.

Exact minima and maxima, where asked (:meth:`IntervalSolver.interval`), are always LP optima.
Method note: ``docs/methods/audit.md``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import highspy
import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components

from disclosure.bound_propagation import row_upper_bounds
from disclosure.group_lp import Duals, GroupLP
from disclosure.levels import KnownBounds
from disclosure.linking import LinkedCells

_EPS = 1e-6
_AT_BOUND = 1e-9
_SHOWN_EVIDENCE = 12


@dataclass(frozen=True)
class Interval:
    """The attacker's real-valued min and max of one cell with the duals of both LPs
    (``None`` when unbounded, or for the minimum when a witness at the cell's lower bound made
    its LP unnecessary): row duals over the group's relations, column duals over its
    variables. The cell's feasibility interval (Hundepool et al., 2012, 4.2.2), from the
    attacker's LPs of Fischetti and Salazar, JASA 2000."""

    lower: float
    upper: float
    group: int
    low_duals: Duals | None
    up_duals: Duals | None


class IntervalSolver:
    """The attacker's LPs, one small HiGHS model per group of suppressed cells linked by
    relations (published inexact cells, under rounding, are variables too), with the witnesses
    of the module docstring: the attacker's problem of Hundepool et al., 2012, 4.3.2, as the
    audit solves it (4.3.4; tau-ARGUS manual, "audit")."""

    def __init__(
        self,
        relations: sp.csr_matrix,
        values: np.ndarray,
        hidden: np.ndarray,
        known: KnownBounds,
    ) -> None:
        """Split the suppressed cells into groups linked by relations (published cells moved to
        the right-hand side) for the attacker's LPs (Hundepool et al., 2012, 4.2.2; Fischetti
        and Salazar 2000)."""
        relations = relations.tocsr()
        values = np.asarray(values, dtype=np.float64)
        hidden = np.asarray(hidden, dtype=bool)
        low = np.where(hidden, 0.0, np.asarray(known.low, dtype=np.float64))
        high = np.where(hidden, np.inf, np.asarray(known.high, dtype=np.float64))
        variable = hidden | (low < high)
        self.variables = np.flatnonzero(variable)
        self.values = values
        self.low, self.high = low, high
        columns = relations[:, self.variables].tocsr()
        touched = np.diff(columns.indptr) > 0
        self.rows = np.flatnonzero(touched)
        sub = columns[self.rows].tocsr()
        fixed = ~variable
        self.rhs = -(relations[self.rows][:, fixed] @ values[fixed])
        self.sub = sub
        n_var, n_row = len(self.variables), len(self.rows)
        graph = (
            sp.bmat([[None, sub.T], [sub, None]], format="csr")
            if n_row
            else sp.csr_matrix((n_var, n_var))
        )
        groups, labels = connected_components(graph, directed=False)
        self.group_of_var = labels[:n_var]
        self.group_of_row = labels[n_var:]
        bounds = np.arange(groups + 1)
        self.column = np.full(len(values), -1, dtype=np.int64)
        self.column[self.variables] = np.arange(n_var)
        # variables and rows of each group, in order, without one scan per group
        order = np.argsort(self.group_of_var, kind="stable")
        self._var_start = np.searchsorted(self.group_of_var[order], bounds)
        self._var_order = order
        row_order = np.argsort(self.group_of_row, kind="stable")
        self._row_start = np.searchsorted(self.group_of_row[row_order], bounds)
        self._row_order = row_order
        # witnesses: the smallest and largest value seen per variable (the true values first)
        self.seen_low = values[self.variables].copy()
        self.seen_high = values[self.variables].copy()
        self.row_upper = row_upper_bounds(sub, self.rhs, low[self.variables], high[self.variables])
        self._models: dict[int, GroupLP] = {}

    def _model(self, group: int) -> GroupLP:
        """The LP of one group of linked suppressed cells, built on first use."""
        if group not in self._models:
            var = np.sort(self._var_order[self._var_start[group] : self._var_start[group + 1]])
            row = np.sort(self._row_order[self._row_start[group] : self._row_start[group + 1]])
            cells = self.variables[var]
            self._models[group] = GroupLP(
                var,
                row,
                self.sub[row][:, var].tocsr(),
                self.rhs[row],
                self.low[cells],
                self.high[cells],
            )
        return self._models[group]

    def _locate(self, cell: int) -> tuple[int, int, GroupLP, int]:
        """The cell's variable, group, group model and position in that model."""
        k = int(self.column[cell])
        if k < 0:
            raise KeyError(f"cell {cell} is neither suppressed nor published inexactly")
        group = int(self.group_of_var[k])
        model = self._model(group)
        return k, group, model, int(np.searchsorted(model.var, k))

    def _optimise(
        self, model: GroupLP, position: int, sense: highspy.ObjSense
    ) -> tuple[float, Duals | None]:
        """One LP of the group, its optimum recorded as a witness for every group variable."""
        value, duals, point = model.optimise(position, sense)
        if point is not None:
            self.seen_low[model.var] = np.minimum(self.seen_low[model.var], point)
            self.seen_high[model.var] = np.maximum(self.seen_high[model.var], point)
        return value, duals

    def _maximum(self, k: int, model: GroupLP, position: int) -> tuple[float, Duals | None]:
        """The cell's maximum: its one-relation bound when a witness reaches it, else the LP's."""
        if self.seen_high[k] >= self.row_upper[k] - _AT_BOUND:
            return float(self.row_upper[k]), None
        return self._optimise(model, position, highspy.ObjSense.kMaximize)

    def interval(self, cell: int) -> Interval:
        """Min and max of ``cell`` over everything the attacker knows (LP optima, or the bound
        a witness proves optimal: the cell's lower bound for the minimum, its one-relation
        bound for the maximum): the feasibility interval of Hundepool et al., 2012, 4.2.2."""
        k, group, model, position = self._locate(cell)
        upper, up_duals = self._maximum(k, model, position)
        bound = self.low[cell]
        if self.seen_low[k] <= bound + _AT_BOUND:
            lower, low_duals = float(bound), None
        else:
            lower, low_duals = self._optimise(model, position, highspy.ObjSense.kMinimize)
        return Interval(lower, upper, group, low_duals, up_duals)

    def intervals(self, cells: np.ndarray) -> list[Interval]:
        """:meth:`interval` for each of ``cells``: every maximum first, then only the minima no
        witness has settled (same answers, fewer LPs), as the audit of Hundepool et al., 2012,
        4.3.4 asks them."""
        located = [self._locate(int(c)) for c in cells]
        uppers = [self._maximum(k, model, position) for k, _, model, position in located]
        out: list[Interval] = []
        for cell, (k, group, model, position), (upper, up_duals) in zip(
            cells, located, uppers, strict=True
        ):
            bound = self.low[int(cell)]
            if self.seen_low[k] <= bound + _AT_BOUND:
                lower, low_duals = float(bound), None
            else:
                lower, low_duals = self._optimise(model, position, highspy.ObjSense.kMinimize)
            out.append(Interval(lower, upper, group, low_duals, up_duals))
        return out

    def cleared_by_witnesses(
        self, cells: np.ndarray, threshold: int, rounds: int = 6, seed: int = 0
    ) -> np.ndarray:
        """Per cell of ``cells``: whether witnesses alone show the attacker's whole-number
        interval is at least 1 wide and reaches 0 or ``threshold`` (neither recovered exactly
        nor narrowed inside ``1..threshold-1``: the audit of Hundepool et al., 2012, 4.3.4),
        so no LP of its own is needed. Each round solves, per group, one LP pushing every
        cell not yet cleared up or down at random (up to its value plus the threshold);
        every optimum is a feasible point, so what it shows the attacker cannot exclude."""
        cells = np.asarray(cells, dtype=np.int64)
        rng = np.random.default_rng(seed)
        k = self.column[cells]
        if (k < 0).any():
            raise KeyError("a cell is neither suppressed nor published inexactly")

        def cleared() -> np.ndarray:
            """Per cell: the witnesses' whole-number range is at least 1 wide and reaches 0
            or the threshold (the audit of Hundepool et al., 2012, 4.3.4)."""
            low = np.ceil(self.seen_low[k] - 1e-6)
            high = np.floor(self.seen_high[k] + 1e-6)
            return (high - low >= 1) & ((low <= 0) | (high >= threshold))

        done = cleared()
        for _ in range(rounds):
            if done.all():
                break
            groups = np.unique(self.group_of_var[k[~done]])
            for group in groups:
                model = self._model(int(group))
                mine = ~done & (self.group_of_var[k] == group)
                positions = np.searchsorted(model.var, k[mine])
                weights = np.zeros(len(model.var))
                weights[positions] = rng.choice([-1.0, 1.0], size=len(positions))
                upper = np.full(len(model.var), np.inf)
                upper[positions] = self.values[cells[mine]] + threshold
                point = model.witness(weights, upper)
                if point is not None:
                    self.seen_low[model.var] = np.minimum(self.seen_low[model.var], point)
                    self.seen_high[model.var] = np.maximum(self.seen_high[model.var], point)
            done = cleared()
        return done

    def reaches(self, cell: int, above: float, below: float, width: float) -> bool:
        """Whether the attacker's interval of ``cell`` reaches ``above`` (its max ``>= above``)
        and ``below`` (its min ``<= below``) and is at least ``width`` wide; LPs are solved only
        for what the witnesses do not already show (Fischetti and Salazar 2000: the upper,
        lower and sliding protection levels).

        Counts and sums are whole numbers, so the attacker's interval is ``[ceil(min),
        floor(max)]`` and ``width`` is measured on it, as the audit measures it: a real
        interval ``[0, 0.5]`` around a zero pins the zero (its only whole value)."""
        k, _, model, position = self._locate(cell)

        def whole_width() -> float:
            """The width of the whole-number interval the witnesses show so far (the audit's
            interval, Hundepool et al., 2012, 4.3.4)."""
            high = self.seen_high[k]
            top = math.floor(high + _EPS) if math.isfinite(high) else math.inf
            return top - math.ceil(self.seen_low[k] - _EPS)

        def met() -> bool:
            """Whether the witnesses seen so far show every part of the requirement (the
            upper, lower and sliding protection levels, Hundepool et al., 2012, 4.2.2)."""
            return (
                self.seen_high[k] >= above - _EPS
                and self.seen_low[k] <= below + _EPS
                and whole_width() >= width - _EPS
            )

        if met():
            return True
        if self.row_upper[k] < above - _EPS:
            return False  # one relation already keeps the cell below ``above``
        if self.seen_high[k] < above - _EPS or whole_width() < width - _EPS:
            upper, _ = self._optimise(model, position, highspy.ObjSense.kMaximize)
            if math.isinf(upper):
                self.seen_high[k] = math.inf
            if self.seen_high[k] < above - _EPS:
                return False  # the witness is now the exact maximum
            if met():
                return True
        self._optimise(model, position, highspy.ObjSense.kMinimize)
        return met()

    def is_exact(self, cell: int) -> bool:
        """Whether the attacker pins ``cell`` to one value (its whole-number interval is a
        point): exact disclosure of a suppressed cell, which the audit rejects (Hundepool et
        al., 2012, 4.3.4)."""
        return not self.reaches(cell, -math.inf, math.inf, _EPS * 10)

    def evidence(
        self, cell: int, result: Interval, side: str, linked: LinkedCells
    ) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """The relations with non-zero row dual at the attacker's optimum (those the bound is
        derived from), and the cells they pin it with: published cells whose known bound is
        active (non-zero column dual) and the other suppressed cells of those relations (LP
        duality on the attacker's LP of Fischetti and Salazar, JASA 2000)."""
        model = self._models[result.group]
        chosen = []
        if side in ("upper", "both"):
            up_duals = result.up_duals
            if up_duals is None and math.isfinite(result.upper):
                _, _, _, position = self._locate(cell)
                _, up_duals = self._optimise(model, position, highspy.ObjSense.kMaximize)
            if up_duals is not None:
                chosen.append(up_duals)
        if side in ("lower", "both"):
            low_duals = result.low_duals
            if low_duals is None and math.isfinite(result.lower):
                _, _, _, position = self._locate(cell)
                _, low_duals = self._optimise(model, position, highspy.ObjSense.kMinimize)
            if low_duals is not None:
                chosen.append(low_duals)
        used_rows: set[int] = set()
        active_vars: set[int] = set()
        for row_duals, col_duals in chosen:
            used_rows.update(np.flatnonzero(np.abs(row_duals) > 1e-9).tolist())
            active_vars.update(np.flatnonzero(np.abs(col_duals) > 1e-9).tolist())
        rows = sorted(used_rows)
        relations = [linked.relation_labels[int(self.rows[model.row[r]])] for r in rows]
        if len(relations) > _SHOWN_EVIDENCE:
            extra = len(relations) - _SHOWN_EVIDENCE
            relations = [*relations[:_SHOWN_EVIDENCE], f"... and {extra} more relation(s)"]
        cells: list[str] = []
        involved = sorted({int(c) for r in rows for c in model.sub[r].indices})
        for v in involved:
            unique = int(self.variables[model.var[v]])
            if unique == cell:
                continue
            if math.isinf(self.high[unique]):
                cells.append(f"{linked.label(unique)} (suppressed)")
        for v in sorted(active_vars):
            unique = int(self.variables[model.var[v]])
            if unique != cell and not math.isinf(self.high[unique]):
                cells.append(
                    f"{linked.label(unique)} (published, known in "
                    f"[{_fmt(self.low[unique])}, {_fmt(self.high[unique])}])"
                )
        published_rows = [r for r in rows if abs(model.rhs[r]) > 0]
        if published_rows and not any("published" in c for c in cells):
            cells.append("the published cells of these relations")
        if len(cells) > _SHOWN_EVIDENCE:
            cells = [*cells[:_SHOWN_EVIDENCE], f"... and {len(cells) - _SHOWN_EVIDENCE} more"]
        return tuple(relations), tuple(cells)


def _fmt(x: float) -> str:
    """An interval bound as text (``inf`` when unbounded)."""
    return "inf" if math.isinf(x) else str(int(x))
