"""Optimal secondary suppression: the Fischetti-Salazar model solved by Benders decomposition.

Master problem (a MILP over ``x_i`` in {0, 1}, 1 = suppressed): minimise ``sum_i w_i x_i`` with
``x_p = 1`` for primary cells, ``x_i = 0`` for forced-published cells, and the cuts found so far.
Each round solves the master, then every primary's attacker LP under the master's pattern; a
primary whose attacker maximum falls short of its upper protection level yields a violated
Benders cut (see :mod:`disclosure.secondary.attacker`). The loop ends when no cut is violated:
the pattern is then protecting and, the master being solved to optimality, of least cost
(Fischetti and Salazar, JASA 95, 2000, and Management Science 47, 2001; tau-ARGUS manual,
"Optimal").

The master starts with the simple cuts "some other cell of every relation holding a primary
is suppressed", then cuts are separated at the LP relaxation's fractional solutions (the
attacker's bounds scale with ``x``, so the same duality argument applies) until the
relaxation is protected, and only then is the MILP solved round by round. Limits are counts
(branch-and-bound nodes, rounds), never wall-clock time, so the answer is the same every run.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import highspy
import numpy as np
import scipy.sparse as sp

from disclosure.errors import ProtectionInfeasibleError
from disclosure.secondary.attacker import TOLERANCE, AttackerModel, Cut
from disclosure.solver import new_solver

MAX_NODES = 200_000
MAX_ROUNDS = 300
EARLY_GAP = 0.05
"""Relative gap accepted while cuts are still being found; the final solve proves optimality."""


@dataclass
class OptimalResult:
    """The pattern and how it was reached."""

    pattern: np.ndarray | None
    proven_optimal: bool
    rounds: int
    cuts: int
    lower_bound: float
    notes: list[str] = field(default_factory=list)
    relaxation_rounds: int = 0


class _Master:
    """The master MILP, kept between rounds; cuts are appended as rows."""

    def __init__(
        self,
        costs: np.ndarray,
        primary: np.ndarray,
        forced: np.ndarray,
        max_nodes: int,
    ) -> None:
        n = len(costs)
        solver = new_solver()
        solver.setOptionValue("mip_rel_gap", 0.0)
        solver.setOptionValue("mip_abs_gap", 1e-6)
        solver.setOptionValue("mip_max_nodes", int(max_nodes))
        lower = np.where(primary, 1.0, 0.0)
        upper = np.where(forced & ~primary, 0.0, 1.0)
        empty_i = np.array([], dtype=np.int32)
        solver.addCols(n, costs.astype(np.float64), lower, upper, 0, empty_i, empty_i, np.array([]))
        solver.changeColsIntegrality(
            n,
            np.arange(n, dtype=np.int32),
            np.full(n, highspy.HighsVarType.kInteger),
        )
        self.solver = solver
        self.n = n

    def solve_relaxation(self) -> np.ndarray:
        """The master's LP relaxation (integrality dropped for this solve only)."""
        columns = np.arange(self.n, dtype=np.int32)
        self.solver.changeColsIntegrality(
            self.n, columns, np.full(self.n, highspy.HighsVarType.kContinuous)
        )
        self.solver.run()
        status = self.solver.getModelStatus()
        values = np.clip(np.asarray(self.solver.getSolution().col_value), 0.0, 1.0)
        self.solver.changeColsIntegrality(
            self.n, columns, np.full(self.n, highspy.HighsVarType.kInteger)
        )
        if status == highspy.HighsModelStatus.kInfeasible:
            raise ProtectionInfeasibleError(
                "no suppression pattern protects every primary cell (cells that could hide "
                "them are forced published)"
            )
        if status != highspy.HighsModelStatus.kOptimal:
            raise RuntimeError(f"master LP relaxation ended with status {status}")
        return values

    def add_cut(self, cut: Cut) -> None:
        self.solver.addRow(
            cut.level,
            highspy.kHighsInf,
            len(cut.cells),
            cut.cells.astype(np.int32),
            cut.coefficients.astype(np.float64),
        )

    def solve(self, gap: float) -> tuple[np.ndarray | None, bool, float]:
        """The master's pattern, whether it is proven optimal, and the lower bound; ``gap`` is
        the relative optimality gap accepted (0 = prove optimality)."""
        self.solver.setOptionValue("mip_rel_gap", float(gap))
        self.solver.run()
        status = self.solver.getModelStatus()
        info = self.solver.getInfo()
        if status == highspy.HighsModelStatus.kInfeasible:
            raise ProtectionInfeasibleError(
                "no suppression pattern protects every primary cell (cells that could hide "
                "them are forced published)"
            )
        has_solution = info.primal_solution_status == 2  # kSolutionStatusFeasible
        if not has_solution:
            return None, False, float(info.mip_dual_bound)
        values = np.asarray(self.solver.getSolution().col_value)
        objective = float(info.objective_function_value)
        bound = float(info.mip_dual_bound)
        proven = gap == 0 and status == highspy.HighsModelStatus.kOptimal
        proven = proven and bound >= objective - 1e-6 * max(1.0, abs(objective))
        return values > 0.5, proven, bound


def _relation_cuts(relations: sp.csr_matrix, primary: np.ndarray, forced: np.ndarray) -> list[Cut]:
    """For each primary ``p`` and relation holding it with no other primary: at least one other
    non-forced cell of the relation is suppressed (else ``p`` is the relation's only unknown)."""
    cuts: list[Cut] = []
    seen: set[tuple[int, ...]] = set()
    csc = relations.tocsc()
    for p in np.flatnonzero(primary):
        for row in csc.indices[csc.indptr[p] : csc.indptr[p + 1]]:
            cells = relations.indices[relations.indptr[row] : relations.indptr[row + 1]]
            others = cells[cells != p]
            if primary[others].any():
                continue
            others = np.sort(others[~forced[others]])
            key = tuple(others.tolist())
            if key in seen:
                continue
            seen.add(key)
            cuts.append(Cut(cells=others, coefficients=np.ones(len(others)), level=1.0))
    return cuts


def optimal_pattern(
    attacker: AttackerModel,
    relations: sp.csr_matrix,
    primary: np.ndarray,
    levels: np.ndarray,
    forced: np.ndarray,
    costs: np.ndarray,
    max_nodes: int = MAX_NODES,
    max_rounds: int = MAX_ROUNDS,
) -> OptimalResult:
    """Least-cost protecting pattern, or ``pattern=None`` if a limit stopped the search
    before any protecting pattern was found (the caller then falls back to the heuristic).
    """
    master = _Master(costs, primary, forced, max_nodes)
    total_cuts = 0
    for cut in _relation_cuts(relations, primary, forced):
        if len(cut.cells) == 0:
            raise ProtectionInfeasibleError(
                "a primary cell is the only unforced unknown of a relation"
            )
        master.add_cut(cut)
        total_cuts += 1
    primaries = np.flatnonzero(primary)

    def separate(x: np.ndarray) -> int:
        """Add a cut for every primary the pattern ``x`` leaves unprotected."""
        attacker.set_pattern(x)
        violated = 0
        for p in primaries:
            level = float(levels[p])
            gain, duals = attacker.max_increase(int(p))
            if gain >= level - TOLERANCE:
                continue
            assert duals is not None
            master.add_cut(attacker.cut(int(p), level, duals, gain))
            violated += 1
        return violated

    # phase 1: cuts at the LP relaxation's fractional patterns are cheap and do most of the work
    relaxation_rounds = 0
    for relaxation_rounds in range(1, max_rounds + 1):  # noqa: B007 (reported below)
        added = separate(master.solve_relaxation())
        total_cuts += added
        if added == 0:
            break
    notes: list[str] = []
    bound = 0.0
    node_limited = False
    gap = EARLY_GAP
    for round_number in range(1, max_rounds + 1):
        pattern, proven, bound = master.solve(gap)
        if pattern is None:
            notes.append(
                f"optimal: the branch-and-bound node limit ({max_nodes}) was reached in round "
                f"{round_number} without a pattern"
            )
            return OptimalResult(
                None, False, round_number, total_cuts, bound, notes, relaxation_rounds
            )
        violated = separate(pattern)
        total_cuts += violated
        if violated:
            continue
        if gap > 0:
            gap = 0.0  # protecting at the loose gap: now ask for the least-cost pattern
            continue
        if not proven:
            node_limited = True
            notes.append(
                f"optimal: the node limit ({max_nodes}) stopped the last master solve; the "
                "pattern protects every primary but is not proven of least cost"
            )
        return OptimalResult(
            pattern, not node_limited, round_number, total_cuts, bound, notes, relaxation_rounds
        )
    notes.append(f"optimal: no protecting pattern after {max_rounds} rounds of cuts")
    return OptimalResult(None, False, max_rounds, total_cuts, bound, notes, relaxation_rounds)
