"""Protecting linked tables: primary rule, one joint secondary suppression, audit.

``protect`` applies the profile's primary rules (:mod:`disclosure.primary`: minimum frequency,
dominance and p% for magnitude tables, rates, group attribute disclosure) to the unique cells of
all tables together, chooses secondary suppressions over the union of every table's relations
(so no table can be differenced against another), drops secondaries the attacker could derive
exactly, and audits the result independently (Hundepool et al., 2012, sections 4.2-4.4;
tau-ARGUS manual, "linked tables", "Optimal", "Modular", "audit"). Under a rounding profile
(NHS England's rule, :mod:`disclosure.rounding`) every published count is rounded and the
attacker only knows each published cell within its rounding interval. The result is a
:class:`~disclosure.protected_tables.Protection`. Method notes: ``docs/methods/README.md``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Literal

import numpy as np
import polars as pl

from disclosure.audit import audit
from disclosure.levels import KnownBounds
from disclosure.linking import LinkedCells, link_tables
from disclosure.patterns import FORCED, PRIMARY, SAFE, SECONDARY, SUPPRESSED
from disclosure.primary.assess import REQUESTED, assess_primary  # noqa: F401 (re-export)
from disclosure.profile import Profile
from disclosure.protected_tables import REASON, STATUS, Protection
from disclosure.published_cells import published_column
from disclosure.rounding import published_bounds
from disclosure.secondary.attacker import AttackerModel
from disclosure.secondary.costs import CostName, cell_costs, search_costs
from disclosure.secondary.finish import finished_pattern
from disclosure.secondary.heuristic import heuristic_pattern
from disclosure.secondary.modular import linked_subtables, modular_pattern
from disclosure.secondary.optimal import MAX_NODES, MAX_ROUNDS, optimal_pattern
from disclosure.table import Table

Method = Literal["optimal", "modular", "heuristic"]
METHODS = ("optimal", "modular", "heuristic")

OPTIMAL_MAX_CELLS = 1_000
"""Above this many unique cells the optimal method hands over to the modular method (or the
heuristic, for tables without a hierarchy to split on): a size guard, so the same input always
takes the same path, instead of a wall-clock limit."""
OPTIMAL_MAX_PRIMARIES = 60
"""Likewise for the number of primary cells (each adds attacker LPs to every round)."""


def protect(
    tables: Sequence[Table],
    profile: Profile,
    method: Method = "optimal",
    cost: CostName = "value",
    max_nodes: int = MAX_NODES,
    max_rounds: int = MAX_ROUNDS,
    requested: Mapping[str, Any] | None = None,
    max_cells_optimal: int = OPTIMAL_MAX_CELLS,
    required: Mapping[str, pl.DataFrame] | None = None,
) -> Protection:
    """Protect ``tables`` (all counting the same population) as one linked problem.

    ``method="optimal"``: Fischetti-Salazar with Benders cuts (least total cost, a cell's
    cost counted once per table it appears in). Too big a problem (more than
    ``max_cells_optimal`` unique cells or :data:`OPTIMAL_MAX_PRIMARIES` primaries) goes to the
    modular method (a deterministic size guard). The LP heuristic's pattern is the MILP's
    starting incumbent, so a node or round limit never leaves it without a protecting pattern:
    the best found is used ("heuristic (fallback)" if no better one was) and the notes say
    so. ``method="modular"``: HiTaS-style, subtable by subtable,
    then a full audit and repair. ``method="heuristic"``: the fast LP-path method.
    ``cost``: "value" (least value, then fewest cells), "count" (1 per cell) or "log"
    (log(1 + value)); see :func:`disclosure.secondary.costs.cell_costs`.
    ``requested``: per table, cells to suppress whatever their value (a boolean mask aligned
    with ``table.cells`` or a frame with a ``suppressed`` column); each must at least not be
    recovered exactly. ``required``: per table, cells with protection levels of their own
    (the difference rule's, :func:`disclosure.over_time.difference_requirements`), primary
    with those levels. Deterministic: same input, same pattern.
    """
    if method not in METHODS:
        raise ValueError(f"unknown method {method!r}; use one of {', '.join(METHODS)}")
    linked = link_tables(tables)
    values = linked.values
    reasons, levels = assess_primary(tables, linked, profile, requested, required=required)
    primary = levels.primary
    forced = _forced(linked, profile) & ~primary
    known = _known(values, profile, primary, linked.magnitude)
    # a cell shared by k tables is lost from k published tables when suppressed
    appearances = np.array([len(t) for t in linked.tables_of], dtype=np.float64)
    costs = cell_costs(values, cost) * appearances
    searching = search_costs(values, cost) * appearances
    # a suppressed cell may move up by this much in the protector's attacker model: enough for
    # every protection level asked
    slack = float(
        max(
            int(values.max(initial=0)),
            profile.threshold,
            float(levels.upper.max(initial=0)),
            float(levels.alt_upper.max(initial=0)),
            float(levels.sliding.max(initial=0)),
        )
    )
    labels = [linked.label(i) for i in range(linked.size)]

    notes: list[str] = []
    stats: dict[str, Any] = {"unique_cells": linked.size, "relations": linked.relations.shape[0]}
    proven = False
    used: str = method
    pattern = primary.copy()
    if primary.any():
        found: np.ndarray | None = None
        if method == "optimal":
            too_big = _too_big_for_optimal(linked, primary, max_cells_optimal)
            if too_big:
                used = _fallback(tables, linked)
                notes.append(f"optimal: {too_big}; the {used} method is used instead")
                used += " (fallback)"
            else:
                start = heuristic_pattern(
                    linked.relations, values, levels, forced, searching, slack, labels, known
                )
                result = optimal_pattern(
                    AttackerModel(linked.relations, values, slack, known),
                    linked.relations,
                    levels,
                    forced,
                    costs,
                    max_nodes=max_nodes,
                    max_rounds=max_rounds,
                    incumbent=start,
                )
                notes.extend(result.notes)
                stats.update(
                    rounds=result.rounds,
                    relaxation_rounds=result.relaxation_rounds,
                    cuts=result.cuts,
                )
                found, proven = result.pattern, result.proven_optimal
                if found is not None and not proven and np.array_equal(found, start):
                    used = "heuristic (fallback)"
        if found is None and used.startswith("modular"):
            modular = modular_pattern(tables, linked, levels, forced, searching, slack, known)
            notes.extend(modular.notes)
            stats.update(
                subtables=modular.subtables,
                subtable_solves=modular.solves,
                sweeps=modular.sweeps,
                repaired=modular.repaired,
            )
            found = modular.pattern
        if found is None:
            found = heuristic_pattern(
                linked.relations,
                values,
                levels,
                forced,
                searching,
                slack,
                labels=labels,
                known=known,
            )
        pattern = found
        finished = finished_pattern(
            linked.relations, values, pattern, levels, forced, searching, slack, known
        )
        pattern = finished.pattern
        if finished.published_again:
            notes.append(
                f"{finished.published_again} secondary cell(s) the attacker could derive "
                "exactly (in whole numbers) published again"
            )
        if finished.reprotected:
            notes.append(
                f"{finished.reprotected} primary cell(s) protected again after publishing them"
            )
        if not finished.settled:
            notes.append(f"finishing the pattern had not settled after {finished.passes} passes")

    status = np.full(linked.size, SAFE, dtype=object)
    status[forced] = FORCED
    status[pattern & ~primary] = SECONDARY
    status[primary] = PRIMARY
    frames = {table.name: _table_frame(table, linked, status, reasons, profile) for table in tables}
    report = audit(tables, frames, profile, levels=levels)
    return Protection(
        tables=frames,
        audit=report,
        profile=profile,
        method=used,
        cost_function=cost,
        proven_optimal=proven,
        notes=tuple(notes),
        stats=stats,
        levels=levels,
    )


def _known(
    values: np.ndarray, profile: Profile, primary: np.ndarray, magnitude: np.ndarray
) -> KnownBounds:
    """What the attacker knows of each cell if published (exact, or a rounding interval;
    Hundepool et al., 2012, 5.5); primary cells are never published, so theirs is irrelevant
    and kept exact."""
    known = published_bounds(values, profile, magnitude)
    low = np.where(primary, values, known.low).astype(np.float64)
    high = np.where(primary, values, known.high).astype(np.float64)
    return KnownBounds(low, high)


def _too_big_for_optimal(linked: LinkedCells, primary: np.ndarray, max_cells: int) -> str:
    """Why the problem is too big for the optimal method, or "" when it is not."""
    if linked.size > max_cells:
        return f"{linked.size} unique cells exceed the limit of {max_cells}"
    if int(primary.sum()) > OPTIMAL_MAX_PRIMARIES:
        return f"{int(primary.sum())} primary cells exceed the limit of {OPTIMAL_MAX_PRIMARIES}"
    return ""


def _fallback(tables: Sequence[Table], linked: LinkedCells) -> str:
    """ "modular" when the tables split into several subtables, else "heuristic"."""
    return "modular" if len(linked_subtables(tables, linked)) > 1 else "heuristic"


def _forced(linked: LinkedCells, profile: Profile) -> np.ndarray:
    """Cells forced published by the profile (tau-ARGUS's "protected" status), e.g. the grand
    total."""
    forced = np.zeros(linked.size, dtype=bool)
    if profile.forced_published == "grand_total":
        forced[[i for i in range(linked.size) if linked.is_grand_total(i)]] = True
    return forced


def _table_frame(
    table: Table,
    linked: LinkedCells,
    status: np.ndarray,
    reasons: np.ndarray,
    profile: Profile,
) -> pl.DataFrame:
    """The table's cells with status, reason and what is published (symbol, or the count,
    rounded under a rounding profile)."""
    cells = linked.cell_of[table.name]
    table_status = status[cells]
    suppressed = np.isin(table_status, list(SUPPRESSED))
    return table.cells.with_columns(
        pl.Series(STATUS, table_status.tolist(), dtype=pl.Utf8),
        pl.Series(REASON, reasons[cells].tolist(), dtype=pl.Utf8),
        published_column(table, suppressed, profile),
    )
