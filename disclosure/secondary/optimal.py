"""Optimal secondary suppression: the Fischetti-Salazar model solved by Benders decomposition.

Master problem (a MILP over ``x_i`` in {0, 1}, 1 = suppressed): minimise ``sum_i w_i x_i`` with
``x_p = 1`` for primary cells, ``x_i = 0`` for forced-published cells, and the cuts found so far.
Each round solves the master, then every primary's attacker LPs under the master's pattern; a
primary whose attacker interval falls short of its upper, lower or sliding protection level
yields a violated Benders cut (see :mod:`disclosure.secondary.attacker`). The loop ends when
no cut is violated: the pattern is then protecting and, the master being solved to
optimality, of least cost (Fischetti and Salazar, JASA 95, 2000, and Management Science 47,
2001; tau-ARGUS manual, "Optimal").

The master starts with the simple cuts "some other cell of every relation holding a primary
is suppressed", then cuts are separated at the LP relaxation's fractional solutions (the
attacker's bounds scale with ``x``, so the same duality argument applies) until the
relaxation is protected, and only then is the MILP solved round by round. Limits are counts
(branch-and-bound nodes, rounds), never wall-clock time, so the answer is the same every run.
Method note: ``docs/methods/secondary-optimal.md``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import highspy
import numpy as np
import scipy.sparse as sp

from disclosure.errors import ProtectionInfeasibleError
from disclosure.levels import ProtectionLevels
from disclosure.secondary.attacker import (
    AttackerModel,
    Cut,
    DualBoundError,
    alternative_cuts,
    upper_sides,
)
from disclosure.solver import new_solver

MAX_NODES = 20_000
MAX_ROUNDS = 100
EARLY_GAP = 0.2
"""Relative gap accepted while cuts are still being found; the final solve proves optimality."""


@dataclass
class OptimalResult:
    """The pattern and how it was reached by the Benders loop of Fischetti and Salazar, JASA
    2000 (tau-ARGUS manual, "Optimal")."""

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
        choices: int = 0,
    ) -> None:
        """The master problem of Fischetti and Salazar (2000): binary ``x``, primaries fixed to 1,
        forced cells to 0, minimise ``costs @ x``; then ``choices`` binary side choices of cells
        with alternative levels (cost 0, after the cells); cuts come later."""
        costs = np.concatenate([np.asarray(costs, dtype=np.float64), np.zeros(choices)])
        primary = np.concatenate([np.asarray(primary, dtype=bool), np.zeros(choices, bool)])
        forced = np.concatenate([np.asarray(forced, dtype=bool), np.zeros(choices, bool)])
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
        self.costs = costs.astype(np.float64)
        self._solved = False

    def solve_relaxation(self) -> np.ndarray:
        """The master's LP relaxation (integrality dropped for this solve only), where cuts are
        first separated at fractional patterns (Fischetti and Salazar, JASA 2000)."""
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

    @property
    def solved(self) -> bool:
        """Whether the master MILP of Fischetti and Salazar, JASA 2000, was solved once (a
        start is only given before that)."""
        return self._solved

    def _fresh_copy(self) -> None:
        """Replace the solver by an unsolved copy of its model with the same options."""
        fresh = new_solver()
        fresh.passModel(self.solver.getModel())
        for name in ("mip_rel_gap", "mip_abs_gap", "mip_max_nodes"):
            fresh.setOptionValue(name, self.solver.getOptionValue(name)[1])
        self.solver = fresh

    def add_cut(self, cut: Cut) -> None:
        """Append a Benders cut (Fischetti and Salazar 2000) as a row of the master."""
        self.solver.addRow(
            cut.level,
            highspy.kHighsInf,
            len(cut.cells),
            cut.cells.astype(np.int32),
            cut.coefficients.astype(np.float64),
        )

    def solve(
        self, gap: float, incumbent: np.ndarray | None = None
    ) -> tuple[np.ndarray | None, bool, float]:
        """The master's pattern (Fischetti and Salazar, JASA 2000), whether it is proven
        optimal, and the lower bound; ``gap`` is
        the relative optimality gap accepted (0 = prove optimality). ``incumbent``: a known
        protecting pattern (it satisfies every valid cut), given to the MIP as a start on the
        first solve only: with HiGHS 1.16, a start set on a model already solved once makes
        ``run`` hand back that start with the previous solve's objective and bound, unsolved
        (seen here: a "proven optimal" pattern of cost 32 where 24 was feasible). The LP
        relaxation rounds count as solves too, so the start goes to a fresh copy of the model
        (same columns, cuts and options) that has never been run."""
        self.solver.setOptionValue("mip_rel_gap", float(gap))
        if incumbent is not None and not self._solved:
            self._fresh_copy()
            start = highspy.HighsSolution()
            start.col_value = incumbent.astype(np.float64).tolist()
            start.value_valid = True
            self.solver.setSolution(start)
        self._solved = True
        found = self._run()
        if found is not None and abs(self.costs @ found[0] - found[1]) > 1e-6 * max(1.0, found[1]):
            # HiGHS 1.16 can report the optimum's objective with the start's values (seen on
            # a linked table: objective 51, values of the start costing 52): solve again
            # from a copy that was never given a start
            self._fresh_copy()
            found = self._run()
        if found is None:
            return None, False, float(self.solver.getInfo().mip_dual_bound)
        pattern, objective, bound, status = found
        proven = gap == 0 and status == highspy.HighsModelStatus.kOptimal
        proven = proven and bound >= objective - 1e-6 * max(1.0, abs(objective))
        return pattern, proven, bound

    def _run(self) -> tuple[np.ndarray, float, float, highspy.HighsModelStatus] | None:
        """Solve the master MILP: its pattern, objective, lower bound and status, or None when
        no feasible pattern was found within the node limit."""
        self.solver.run()
        status = self.solver.getModelStatus()
        info = self.solver.getInfo()
        if status == highspy.HighsModelStatus.kInfeasible:
            raise ProtectionInfeasibleError(
                "no suppression pattern protects every primary cell (cells that could hide "
                "them are forced published)"
            )
        if info.primal_solution_status != 2:  # kSolutionStatusFeasible
            return None
        pattern = np.asarray(self.solver.getSolution().col_value) > 0.5
        objective = float(info.objective_function_value)
        return pattern, objective, float(info.mip_dual_bound), status


def _relation_cuts(
    relations: sp.csr_matrix, needs_cover: np.ndarray, forced: np.ndarray, exact: np.ndarray
) -> list[Cut]:
    """For each primary ``p`` that must not be recovered exactly and each relation holding it
    with no other primary, whose other cells are known exactly when published: at least one
    other non-forced cell of the relation is suppressed (else ``p`` is the relation's only
    unknown and is recomputed from it)."""
    cuts: list[Cut] = []
    seen: set[tuple[int, ...]] = set()
    csc = relations.tocsc()
    for p in np.flatnonzero(needs_cover):
        for row in csc.indices[csc.indptr[p] : csc.indptr[p + 1]]:
            cells = relations.indices[relations.indptr[row] : relations.indptr[row + 1]]
            others = cells[cells != p]
            if needs_cover[others].any() or not exact[others].all():
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
    levels: ProtectionLevels,
    forced: np.ndarray,
    costs: np.ndarray,
    max_nodes: int = MAX_NODES,
    max_rounds: int = MAX_ROUNDS,
    start: np.ndarray | None = None,
    incumbent: np.ndarray | None = None,
    repair: Callable[[np.ndarray], np.ndarray] | None = None,
    stop_gap: float = 0.0,
    max_relaxation_rounds: int | None = None,
) -> OptimalResult:
    """Least-cost pattern protecting every primary cell to its upper, lower and sliding
    levels (Fischetti and Salazar 2000, 2001), or ``pattern=None`` if a limit stopped the search
    before any protecting pattern was found (the caller then falls back to another method).

    ``start``: cells suppressed already (e.g. by another subtable of the modular method),
    kept suppressed (their cost is a constant of the objective). ``incumbent``: a protecting
    pattern known in advance (e.g. the heuristic's), used as the MIP start of every round.
    ``repair``: turns a master pattern that leaves some primary short into a protecting one
    (e.g. the LP heuristic started from it); each round's repaired pattern replaces the
    incumbent when cheaper. ``stop_gap``: stop as soon as the incumbent's cost is within this
    fraction of the master's lower bound (0: only a proven optimum stops early). Both keep the
    answer deterministic: the same rounds run every time. ``max_relaxation_rounds``: rounds of
    cuts at the LP relaxation (default ``max_rounds``); ``max_rounds`` then counts MILP rounds.
    """
    primary = levels.primary
    n = len(primary)
    fixed = primary if start is None else primary | start
    alternative = np.flatnonzero(levels.alternative)
    column = {int(p): n + j for j, p in enumerate(alternative)}
    master = _Master(costs, fixed, forced, max_nodes, choices=len(alternative))
    total_cuts = 0
    needs_cover = primary & (
        (levels.upper > 0) | (levels.lower > 0) | (levels.sliding > 0) | levels.alternative
    )
    exact = (attacker.published_low == 0) & (attacker.published_high == 0)
    for cut in _relation_cuts(relations, needs_cover, forced & ~fixed, exact):
        if len(cut.cells) == 0:
            raise ProtectionInfeasibleError(
                "a primary cell is the only unforced unknown of a relation"
            )
        master.add_cut(cut)
        total_cuts += 1
    primaries = np.flatnonzero(needs_cover)

    def separate(x: np.ndarray) -> int:
        """Add a cut for every primary the pattern ``x[:n]`` (with side choices ``x[n:]``)
        leaves unprotected (Benders cuts of Fischetti and Salazar, JASA 2000)."""
        attacker.set_pattern(x[:n])
        violated = 0
        for p in primaries:
            cuts = attacker.violated_cuts(int(p), levels)
            if int(p) in column:
                j = column[int(p)]
                cuts += alternative_cuts(
                    attacker,
                    int(p),
                    float(levels.alt_upper[p]),
                    float(levels.alt_lower[p]),
                    float(x[j]),
                    j,
                )
            for cut in cuts:
                master.add_cut(cut)
                violated += 1
        return violated

    def with_choices(pattern: np.ndarray | None) -> np.ndarray | None:
        """A protecting pattern with the side each alternative cell reaches (the upper side
        when both do), as a start for the master of Fischetti and Salazar, JASA 2000."""
        if pattern is None or not len(alternative):
            return pattern
        sides = upper_sides(attacker, pattern, levels)[alternative]
        return np.concatenate([pattern, sides])

    relaxation_rounds = 0
    try:
        # phase 1: cuts at the LP relaxation's fractional patterns are cheap and do most of the work
        relaxation_rounds = 0
        relaxed_bound = 0.0
        relaxation_limit = max_rounds if max_relaxation_rounds is None else max_relaxation_rounds
        for relaxation_rounds in range(1, relaxation_limit + 1):  # noqa: B007 (reported below)
            relaxed = master.solve_relaxation()
            # the relaxation with valid cuts only: its optimum bounds the least cost from below
            relaxed_bound = max(relaxed_bound, float(costs @ relaxed[:n]))
            added = separate(relaxed)
            total_cuts += added
            if added == 0:
                break
        notes: list[str] = []
        bound = relaxed_bound
        node_limited = False
        gap = EARLY_GAP
        for round_number in range(1, max_rounds + 1):
            start_values = None if master.solved else with_choices(incumbent)
            full, proven, found_bound = master.solve(gap, start_values)
            bound = max(bound, found_bound)
            if full is None:
                notes.append(
                    f"optimal: the branch-and-bound node limit ({max_nodes}) was reached in round "
                    f"{round_number} without a pattern"
                )
                return _give_up(
                    incumbent, round_number, total_cuts, bound, notes, relaxation_rounds
                )
            pattern = full[:n]
            violated = separate(full)
            total_cuts += violated
            if violated:
                if repair is not None:
                    repaired = repair(pattern)
                    if incumbent is None or costs @ repaired < costs @ incumbent - 1e-9:
                        incumbent = repaired
                if (
                    incumbent is not None
                    and costs @ incumbent <= bound + stop_gap * abs(bound) + 1e-6
                ):
                    notes.append(
                        f"optimal: stopped in round {round_number} with a protecting pattern "
                        f"within {stop_gap:.0%} of the lower bound {bound:g}"
                    )
                    return OptimalResult(
                        incumbent, False, round_number, total_cuts, bound, notes, relaxation_rounds
                    )
                continue
            if gap > 0:
                gap = 0.0  # protecting at the loose gap: now ask for the least-cost pattern
                incumbent = pattern
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
        return _give_up(incumbent, max_rounds, total_cuts, bound, notes, relaxation_rounds)
    except DualBoundError as error:
        # the solver's numbers failed; the incumbent (the heuristic's pattern) still protects
        notes = [f"optimal: stopped by a numerical failure of the attacker LP ({error})"]
        return _give_up(incumbent, 0, total_cuts, 0.0, notes, relaxation_rounds)


def _give_up(
    incumbent: np.ndarray | None,
    rounds: int,
    cuts: int,
    bound: float,
    notes: list[str],
    relaxation_rounds: int,
) -> OptimalResult:
    """The result when a limit stopped the search: the best protecting pattern known (the
    incumbent, not proven of least cost) or none."""
    if incumbent is not None:
        notes.append("optimal: the best protecting pattern found so far is used")
    return OptimalResult(incumbent, False, rounds, cuts, bound, notes, relaxation_rounds)
