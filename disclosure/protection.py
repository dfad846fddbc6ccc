"""Protecting linked tables: primary rule, one joint secondary suppression, audit.

``protect`` applies the profile's minimum frequency rule to the unique cells of all tables
together, chooses secondary suppressions over the union of every table's relations (so no
table can be differenced against another), drops secondaries the attacker could derive
exactly, and audits the result independently (Hundepool et al., 2012, sections 4.2-4.4;
tau-ARGUS manual, "linked tables", "Optimal", "audit").
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import polars as pl

from disclosure.audit import AuditReport, audit
from disclosure.linking import LinkedCells, link_tables
from disclosure.primary import sensitive_reasons, upper_protection_levels
from disclosure.profile import Profile
from disclosure.secondary.attacker import AttackerModel
from disclosure.secondary.cleanup import drop_derivable_secondaries
from disclosure.secondary.costs import CostName, cell_costs
from disclosure.secondary.heuristic import heuristic_pattern
from disclosure.secondary.optimal import MAX_NODES, MAX_ROUNDS, optimal_pattern
from disclosure.table import Table

Method = Literal["optimal", "heuristic"]

SAFE, PRIMARY, SECONDARY, FORCED = "safe", "primary", "secondary", "forced"


@dataclass(frozen=True)
class Protection:
    """The protected tables and how they were protected.

    ``tables[name]``: the table's cells in its dimension code order with ``value`` (Int64, the
    true count), ``status`` ("safe", "primary", "secondary", "forced"), ``reason`` (the primary
    rule, e.g. "freq", else null) and ``published`` (the count as text, or the profile's
    symbol). ``method`` is the method that produced the pattern ("optimal", "heuristic", or
    "heuristic (fallback)"); ``proven_optimal`` whether the optimal method proved least cost;
    ``notes`` explain any fallback or limit reached.
    """

    tables: dict[str, pl.DataFrame]
    audit: AuditReport
    profile: Profile
    method: str
    cost_function: str
    proven_optimal: bool
    notes: tuple[str, ...] = ()
    stats: dict[str, Any] = field(default_factory=dict)

    def summary(self) -> dict[str, dict[str, Any]]:
        """Per table: cells, primary, secondary, suppressed value total, cost, method and the
        audit verdict (JSON-serialisable)."""
        out: dict[str, dict[str, Any]] = {}
        failing = {name for failure in self.audit.failures for name in failure.tables}
        for name, frame in self.tables.items():
            suppressed = frame.filter(pl.col("status").is_in([PRIMARY, SECONDARY]))
            costs = cell_costs(suppressed["value"].to_numpy(), self.cost_function)  # type: ignore[arg-type]
            out[name] = {
                "cells": frame.height,
                "primary": int((frame["status"] == PRIMARY).sum()),
                "secondary": int((frame["status"] == SECONDARY).sum()),
                "suppressed_value_total": int(suppressed["value"].sum()),
                "cost": round(float(costs.sum()), 6),
                "cost_function": self.cost_function,
                "method": self.method,
                "proven_optimal": self.proven_optimal,
                "audit_passed": self.audit.passed and name not in failing,
            }
        return out


def protect(
    tables: Sequence[Table],
    profile: Profile,
    method: Method = "optimal",
    cost: CostName = "value",
    max_nodes: int = MAX_NODES,
    max_rounds: int = MAX_ROUNDS,
) -> Protection:
    """Protect ``tables`` (all counting the same population) as one linked problem.

    ``method="optimal"``: Fischetti-Salazar with Benders cuts (least total cost, a cell's
    cost counted once per table it appears in, so the total is the sum of the tables' costs);
    if a node or round limit stops it without a protecting pattern, the heuristic's pattern is
    used and the notes say so. ``method="heuristic"``: the fast LP-path method. ``cost``:
    "value" (value + 1), "count" (1 per cell) or "log" (log(1 + value)).
    Deterministic: same input, same pattern.
    """
    if method not in ("optimal", "heuristic"):
        raise ValueError(f"unknown method {method!r}; use 'optimal' or 'heuristic'")
    linked = link_tables(tables)
    values = linked.values
    reasons = sensitive_reasons(values, profile)
    primary = np.not_equal(reasons, None)
    levels = upper_protection_levels(values, profile).astype(np.float64)
    forced = _forced(linked, profile) & ~primary
    # a cell shared by k tables is lost from k published tables when suppressed
    appearances = np.array([len(t) for t in linked.tables_of], dtype=np.float64)
    costs = cell_costs(values, cost) * appearances
    slack = float(max(int(values.max(initial=0)), profile.threshold))
    labels = [linked.label(i) for i in range(linked.size)]

    notes: list[str] = []
    stats: dict[str, Any] = {"unique_cells": linked.size, "relations": linked.relations.shape[0]}
    proven = False
    used = method
    pattern = primary.copy()
    if primary.any():
        found: np.ndarray | None = None
        if method == "optimal":
            result = optimal_pattern(
                AttackerModel(linked.relations, values, slack),
                linked.relations,
                primary,
                levels,
                forced,
                costs,
                max_nodes=max_nodes,
                max_rounds=max_rounds,
            )
            notes.extend(result.notes)
            stats.update(
                rounds=result.rounds,
                relaxation_rounds=result.relaxation_rounds,
                cuts=result.cuts,
            )
            found, proven = result.pattern, result.proven_optimal
            if found is None:
                used = "heuristic (fallback)"
                notes.append("the heuristic's pattern is used instead")
        if found is None:
            found = heuristic_pattern(
                linked.relations, values, primary, levels, forced, costs, slack, labels=labels
            )
        pattern = found
        pattern, dropped = drop_derivable_secondaries(linked.relations, values, pattern, primary)
        if len(dropped):
            notes.append(f"{len(dropped)} exactly derivable secondary cell(s) published again")

    status = np.full(linked.size, SAFE, dtype=object)
    status[forced] = FORCED
    status[pattern & ~primary] = SECONDARY
    status[primary] = PRIMARY
    frames = {table.name: _table_frame(table, linked, status, reasons, profile) for table in tables}
    report = audit(tables, frames, profile)
    return Protection(
        tables=frames,
        audit=report,
        profile=profile,
        method=used,
        cost_function=cost,
        proven_optimal=proven,
        notes=tuple(notes),
        stats=stats,
    )


def _forced(linked: LinkedCells, profile: Profile) -> np.ndarray:
    forced = np.zeros(linked.size, dtype=bool)
    if profile.forced_published == "grand_total":
        forced[[i for i, key in enumerate(linked.keys) if key == ()]] = True
    return forced


def _table_frame(
    table: Table,
    linked: LinkedCells,
    status: np.ndarray,
    reasons: np.ndarray,
    profile: Profile,
) -> pl.DataFrame:
    cells = linked.cell_of[table.name]
    table_status = status[cells]
    suppressed = np.isin(table_status, [PRIMARY, SECONDARY])
    values = table.values.ravel()
    published = np.where(suppressed, profile.symbol, values.astype(str))
    return table.cells.with_columns(
        pl.Series("status", table_status.tolist(), dtype=pl.Utf8),
        pl.Series("reason", reasons[cells].tolist(), dtype=pl.Utf8),
        pl.Series("published", published.tolist(), dtype=pl.Utf8),
    )
