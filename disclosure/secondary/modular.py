"""Modular (HiTaS-style) secondary suppression for large hierarchical tables.

A hierarchical table is a lattice of non-hierarchical subtables: choose, on every dimension, one
code with children; the subtable is that code and its children crossed over the dimensions
(the chosen codes' cell is its grand total). Every additive relation of the table lies in
exactly one subtable. The modular method protects each subtable on its own, optimally
(:mod:`disclosure.secondary.optimal`, with per-subtable node and round limits, started from
the LP heuristic's pattern, which also decides quickly that a subtable needs nothing more; each
round's master pattern is repaired by the LP heuristic and the solve stops once the best
pattern is within :data:`SUBTABLE_GAP` of the lower bound), visiting subtables top-down
(coarsest first). Size guards hand very large problems to the LP heuristic alone, then to the
hypercube heuristic (:mod:`disclosure.secondary.hypercube`). A cell suppressed in one
subtable becomes a primary-like cell in every other subtable holding it (a suppressed total of
a lower subtable is an inner cell of a higher one and vice versa), with protection levels as
large as the primaries it helped protect, so that subtable is protected again. This repeats
until no subtable changes (de Wolf, "HiTaS: a heuristic approach to cell suppression in
hierarchical tables", 2002; tau-ARGUS manual, "Modular"; Hundepool et al., 2012, 4.3.5).

In a subtable's MILP a count protected on either side (reach ``t`` or 0) is held to the side
the heuristic's pattern reaches (the smaller move where it reaches both), so the master needs no
side-choice binaries: a restriction, not the full either-side search of the optimal method. On
the benchmark's 20,000-cell table it took the time from 430 s to 264 s, for a secondary value
of 3,526 instead of 3,282.

Per-subtable protection does not guarantee protection of the whole table (the attacker can
combine subtables), so the result is audited over all relations of all linked tables together
and every primary cell still short of its levels is protected again with the LP heuristic on
the full problem, starting from the modular pattern. All limits are counts, so the same input
always gives the same pattern.
Method note: ``docs/methods/secondary-modular.md``.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp

from disclosure.levels import KnownBounds, ProtectionLevels
from disclosure.linking import LinkedCells
from disclosure.relations import relation_matrix
from disclosure.secondary.attacker import AttackerModel, upper_sides
from disclosure.secondary.finish import protected_again, unprotected
from disclosure.secondary.heuristic import heuristic_pattern
from disclosure.secondary.hypercube import hypercube_pattern
from disclosure.secondary.optimal import optimal_pattern
from disclosure.table import Table

SUBTABLE_NODES = 500
"""Branch-and-bound nodes allowed per subtable solve."""
SUBTABLE_ROUNDS = 40
"""Rounds of cuts at the LP relaxation allowed per subtable solve."""
SUBTABLE_MILP_ROUNDS = 12
"""Rounds of master MILP solves (each repaired by the LP heuristic) allowed per subtable solve:
on the benchmark's 2,000-cell table, 12 rounds reach within 3 % of the value 40 rounds reach,
in a quarter of the time."""
SUBTABLE_GAP = 0.05
"""A subtable's solve stops once its best protecting pattern (the heuristic's, or a master
pattern repaired by the heuristic) costs at most this fraction above the master's lower bound."""
OPTIMAL_SUBTABLES_MAX_CELLS = 30_000
"""Above this many unique cells in all, subtables are protected with the LP heuristic alone
(no MILP): a size guard, so a very large table finishes in bounded time, deterministically."""
LP_SUBTABLES_MAX_CELLS = 100_000
"""Above this many unique cells in all, subtables are protected with the hypercube heuristic
(:mod:`disclosure.secondary.hypercube`; the LP heuristic under rounding): one LP per primary on
subtables of thousands of cells would take tens of minutes."""
MAX_SWEEPS = 25
"""Passes over the subtables before the propagation is declared not to settle."""


@dataclass(frozen=True)
class Subtable:
    """A non-hierarchical subtable: ``cells`` are linked unique cells (the first is its grand
    total), ``relations`` its additive relations over positions in ``cells``, ``depth`` the
    sum of the chosen codes' depths (0 for the top subtable) and ``name`` e.g. ``"geo=W1 x
    year=Total"``. A subtable of the modular method (de Wolf 2002, HiTaS; tau-ARGUS manual,
    "Modular")."""

    name: str
    depth: int
    cells: np.ndarray
    relations: sp.csr_matrix
    shape: tuple[int, ...] = ()


@dataclass
class ModularResult:
    """The pattern and how it was reached by the modular method (de Wolf 2002, HiTaS;
    tau-ARGUS manual, "Modular")."""

    pattern: np.ndarray
    subtables: int
    solves: int
    sweeps: int
    optimal_solves: int
    repaired: int
    notes: list[str] = field(default_factory=list)


def subtables(table: Table, cell_of: np.ndarray) -> list[Subtable]:
    """Every non-hierarchical subtable of ``table``, top-down (by depth, then code order),
    with cells mapped to linked unique cells through ``cell_of``: the decomposition of the
    modular method (de Wolf 2002, HiTaS; tau-ARGUS manual, "Modular")."""
    flat = np.arange(table.size, dtype=np.int64).reshape(table.shape)
    parents_per_dim = [
        [code for code in dim.codes if dim.children(code)] for dim in table.dimensions
    ]
    found: list[Subtable] = []
    for choice in itertools.product(*parents_per_dim):
        positions = [
            [dim.position[code], *(dim.position[k] for k in dim.children(code))]
            for dim, code in zip(table.dimensions, choice, strict=True)
        ]
        block = flat[np.ix_(*positions)]
        local = np.arange(block.size, dtype=np.int64).reshape(block.shape)
        parents: list[np.ndarray] = []
        children: list[np.ndarray] = []
        for axis in range(block.ndim):
            parents.append(np.take(local, 0, axis=axis).ravel())
            kids = np.moveaxis(np.take(local, range(1, block.shape[axis]), axis=axis), axis, -1)
            children.extend(kids.reshape(-1, block.shape[axis] - 1))
        relations = relation_matrix(np.concatenate(parents), children, block.size)
        depth = sum(dim.depth(code) for dim, code in zip(table.dimensions, choice, strict=True))
        name = " x ".join(
            f"{dim.name}={code}" for dim, code in zip(table.dimensions, choice, strict=True)
        )
        found.append(Subtable(name, depth, cell_of[block.ravel()], relations, block.shape))
    return sorted(found, key=lambda s: s.depth)


def linked_subtables(tables: Sequence[Table], linked: LinkedCells) -> list[Subtable]:
    """The subtables of every table, each distinct set of cells once, top-down (HiTaS, de Wolf
    2002, over linked tables: tau-ARGUS manual, "linked tables")."""
    seen: set[tuple[int, ...]] = set()
    out: list[Subtable] = []
    for table in tables:
        for sub in subtables(table, linked.cell_of[table.name]):
            key = tuple(sorted(sub.cells.tolist()))
            if key not in seen:
                seen.add(key)
                out.append(sub)
    return sorted(out, key=lambda s: s.depth)


def modular_pattern(
    tables: Sequence[Table],
    linked: LinkedCells,
    levels: ProtectionLevels,
    forced: np.ndarray,
    costs: np.ndarray,
    slack: float,
    known: KnownBounds | None = None,
    subtable_nodes: int = SUBTABLE_NODES,
    subtable_rounds: int = SUBTABLE_ROUNDS,
    max_sweeps: int = MAX_SWEEPS,
    optimal_subtables: bool | None = None,
    subtable_gap: float = SUBTABLE_GAP,
    subtable_milp_rounds: int = SUBTABLE_MILP_ROUNDS,
    fixed_sides: bool = True,
) -> ModularResult:
    """A pattern protecting every primary cell over all linked tables, by subtables (HiTaS)
    then a full audit and repair; see the module docstring. ``optimal_subtables``: solve each
    subtable's MILP (default: when the problem has at most
    :data:`OPTIMAL_SUBTABLES_MAX_CELLS` unique cells), else use the LP heuristic's pattern.
    ``fixed_sides``: in each subtable MILP, hold every cell protected on either side to the
    side the heuristic's pattern reaches (no side-choice binaries; the MILP then searches a
    restriction of the either-side requirement), else let the MILP choose sides.
    The modular method of de Wolf (2002, HiTaS; tau-ARGUS manual, "Modular")."""
    values = linked.values
    known = known or KnownBounds.exact(values)
    pattern = levels.primary.copy()
    # a primary-like cell's levels: the primary's own, or those it was suppressed to protect
    upper = levels.upper.copy()
    lower = levels.lower.copy()
    sliding = levels.sliding.copy()
    parts = linked_subtables(tables, linked)
    dirty = [bool(pattern[s.cells].any()) for s in parts]
    holders: dict[int, list[int]] = {}
    for k, sub in enumerate(parts):
        for c in sub.cells.tolist():
            holders.setdefault(c, []).append(k)
    solves = optimal_solves = sweeps = 0
    notes: list[str] = []
    if optimal_subtables is None:
        optimal_subtables = linked.size <= OPTIMAL_SUBTABLES_MAX_CELLS
        if not optimal_subtables:
            notes.append(
                f"modular: {linked.size} unique cells exceed {OPTIMAL_SUBTABLES_MAX_CELLS}; "
                "subtables protected with the LP heuristic, not the optimal MILP"
            )
    hypercube = not optimal_subtables and linked.size > LP_SUBTABLES_MAX_CELLS
    if hypercube:
        notes.append(
            f"modular: {linked.size} unique cells exceed {LP_SUBTABLES_MAX_CELLS}; subtables "
            "protected with the hypercube heuristic"
        )
    settled = False
    for sweeps in range(1, max_sweeps + 1):  # noqa: B007 (reported below)
        changed = False
        for k, sub in enumerate(parts):
            if not dirty[k]:
                continue
            dirty[k] = False
            cells = sub.cells
            local_start = pattern[cells]
            local_levels = ProtectionLevels(
                local_start,
                upper[cells],
                np.minimum(lower[cells], values[cells]),
                np.maximum(sliding[cells], np.where(local_start & ~levels.primary[cells], 1.0, 0)),
                levels.alt_upper[cells],
                levels.alt_lower[cells],
            )
            local_known = KnownBounds(known.low[cells], known.high[cells])
            local_forced = forced[cells] & ~local_start
            solves += 1
            if hypercube and local_known.is_exact().all():
                local = hypercube_pattern(
                    sub.shape,
                    sub.relations,
                    values[cells],
                    local_levels,
                    local_forced,
                    costs[cells],
                    slack,
                )
            else:
                local = heuristic_pattern(
                    sub.relations,
                    values[cells],
                    local_levels,
                    local_forced,
                    costs[cells],
                    slack,
                    known=local_known,
                )
            if optimal_subtables and (local & ~local_start).any():
                attacker = AttackerModel(sub.relations, values[cells], slack, local_known)
                local_costs = costs[cells]

                def repair(
                    pattern: np.ndarray,
                    sub: Subtable = sub,
                    local_levels: ProtectionLevels = local_levels,
                    local_forced: np.ndarray = local_forced,
                    local_costs: np.ndarray = local_costs,
                    local_known: KnownBounds = local_known,
                ) -> np.ndarray:
                    """The LP heuristic's protecting pattern started from ``pattern``
                    (Carvalho, Dellaert and Osorio 1994)."""
                    return heuristic_pattern(
                        sub.relations,
                        values[sub.cells],
                        local_levels,
                        local_forced,
                        local_costs,
                        slack,
                        known=local_known,
                        start=pattern,
                    )

                # one side per alternative cell (the side the heuristic's pattern reaches):
                # side-choice binaries made the subtable MILPs of large tables slow
                sided = (
                    local_levels.on_sides(upper_sides(attacker, local, local_levels))
                    if fixed_sides
                    else local_levels
                )
                result = optimal_pattern(
                    attacker,
                    sub.relations,
                    sided,
                    local_forced,
                    local_costs,
                    max_nodes=subtable_nodes,
                    max_rounds=subtable_milp_rounds,
                    max_relaxation_rounds=subtable_rounds,
                    incumbent=local,
                    repair=repair,
                    stop_gap=subtable_gap,
                )
                optimal_solves += int(result.proven_optimal)
                local = result.pattern if result.pattern is not None else local
            added = cells[local & ~local_start]
            if len(added) == 0:
                continue
            changed = True
            need = float(max(local_levels.upper.max(), local_levels.lower.max(), 1.0))
            pattern[added] = True
            upper[added] = np.maximum(upper[added], need)
            lower[added] = np.maximum(lower[added], need)
            for c in added.tolist():
                for j in holders[c]:
                    if j != k:
                        dirty[j] = True
        if not changed:
            settled = True
            break
    if not settled:
        notes.append(f"modular: the subtables had not settled after {max_sweeps} sweeps")
    short = unprotected(linked.relations, values, pattern, levels, known)
    if len(short):
        notes.append(
            f"modular: {len(short)} primary cell(s) were short of protection across subtables; "
            "protected again with the heuristic on the full problem"
        )
        pattern = protected_again(
            linked.relations, values, pattern, levels, short, forced, costs, slack, known
        )
    return ModularResult(
        pattern=pattern,
        subtables=len(parts),
        solves=solves,
        sweeps=sweeps,
        optimal_solves=optimal_solves,
        repaired=len(short),
        notes=notes,
    )
