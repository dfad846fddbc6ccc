"""The outcome of protecting linked tables: every table's cells with their status and what
is published, the method that chose the pattern, and the audit's report (Hundepool et al.,
2012, sections 4.2-4.3; tau-ARGUS manual, "cell status"). :func:`disclosure.protection.protect`
produces it; :func:`disclosure.audit.audit` accepts it as the pattern to audit.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import polars as pl

from disclosure.audit_report import AuditReport
from disclosure.levels import ProtectionLevels
from disclosure.patterns import PRIMARY, SECONDARY, SUPPRESSED
from disclosure.profile import Profile
from disclosure.published_cells import PUBLISHED
from disclosure.secondary.costs import cell_costs
from disclosure.table import VALUE

STATUS = "status"
"""The column of a protected table's frame holding each cell's status."""
REASON = "reason"
"""The column naming the primary rule that marked a cell (null for other cells)."""


@dataclass(frozen=True)
class Protection:
    """The protected tables and how they were protected.

    ``tables[name]``: the table's cells in its dimension code order with ``value`` (Int64, the
    true count), ``status`` ("safe", "primary", "secondary", "forced"), ``reason`` (the primary
    rule, e.g. "freq", else null) and ``published`` (the count as text, rounded under a
    rounding profile, or the profile's symbol). ``method`` is the method that produced the
    pattern ("optimal", "modular", "heuristic", or e.g. "modular (fallback)");
    ``proven_optimal`` whether the optimal method proved least cost; ``notes`` explain any
    fallback or limit reached; ``levels`` the protection levels over the linked unique cells.
    The outcome of primary and secondary cell suppression and of the audit (Hundepool et al.,
    2012, 4.2-4.3; tau-ARGUS manual, "cell status").
    """

    tables: dict[str, pl.DataFrame]
    audit: AuditReport
    profile: Profile
    method: str
    cost_function: str
    proven_optimal: bool
    notes: tuple[str, ...] = ()
    stats: dict[str, Any] = field(default_factory=dict)
    levels: ProtectionLevels | None = None

    def summary(self) -> dict[str, dict[str, Any]]:
        """Per table: cells, primary and secondary counts, method and the audit verdict
        (Hundepool et al., 2012, 4.3.4; tau-ARGUS manual, "audit").

        JSON-serialisable; the form the release manifest and the flows' artifacts use. It holds
        nothing computed from the true values of hidden cells (see :meth:`information_loss`).
        """
        out: dict[str, dict[str, Any]] = {}
        failing = {name for failure in self.audit.failures for name in failure.tables}
        for name, frame in self.tables.items():
            out[name] = {
                "cells": frame.height,
                "primary": int((frame[STATUS] == PRIMARY).sum()),
                "secondary": int((frame[STATUS] == SECONDARY).sum()),
                "cost_function": self.cost_function,
                "method": self.method,
                "proven_optimal": self.proven_optimal,
                "rounding_base": self.profile.rounding_base,
                "audit_passed": self.audit.passed and name not in failing,
            }
        return out

    def information_loss(self) -> dict[str, dict[str, float]]:
        """Per table: the total true value suppressed, the part suppressed as secondary, and the
        pattern's cost (Hundepool et al. 2012, s. 4.4.4: information loss of a pattern).

        For benchmarks and method comparison only, never for a release: each figure is a sum
        over the true values of hidden cells, one more linear equation an attacker could add
        to the published table's (s. 4.3.2) and that the audit never considered.
        """
        out: dict[str, dict[str, float]] = {}
        for name, frame in self.tables.items():
            hidden = frame[STATUS].is_in(list(SUPPRESSED)).to_numpy()
            suppressed = frame.filter(hidden)
            secondary = frame.filter(pl.col(STATUS) == SECONDARY)
            # costs over the whole table: the value cost's epsilon depends on its size
            costs = cell_costs(frame[VALUE].to_numpy(), self.cost_function)[hidden]  # type: ignore[arg-type]
            out[name] = {
                "suppressed_value_total": int(suppressed[VALUE].sum()),
                "secondary_value_total": int(secondary[VALUE].sum()),
                "cost": round(float(costs.sum()), 6),
            }
        return out

    def published_cells(self) -> dict[str, pl.DataFrame]:
        """Per table, its cells as published: a column per dimension and ``published`` (no
        true values, no statuses): the input of
        :func:`~disclosure.published_cells.published_cells_digest`, whose result equals the
        digest of an audit of these tables and this pattern (Hundepool et al., 2012, 4.3.4)."""
        return {
            name: frame.select(pl.exclude(VALUE, STATUS, REASON, PUBLISHED), pl.col(PUBLISHED))
            for name, frame in self.tables.items()
        }
