"""The attacker's audit of suppressed tables, independent of how the pattern was chosen.

For every suppressed cell ``j`` the attacker solves ``min y_j`` and ``max y_j`` subject to the
additive relations of ALL tables together, every published cell fixed to its value and every
suppressed cell ``>= 0`` (no other upper bound than what the relations imply). Counts being
integers, the interval is ``[ceil(min), floor(max)]``. A cell fails when its interval is a
single point (recovered exactly) or, for a sensitive cell, when it lies inside ``[1, t-1]``
(narrowed to a disclosive count). A sensitive cell that is published anywhere fails outright.
(Hundepool et al., 2012, section 4.3.4 "auditing"; tau-ARGUS manual, "audit"; the attacker's
LPs are those of Fischetti and Salazar, JASA 2000.)

Only the relation builder (:mod:`disclosure.linking`) is shared with the protection code: the
sensitivity of each cell is recomputed from the profile and the LP model is built here.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

import highspy
import numpy as np
import polars as pl

from disclosure.linking import LinkedCells, link_tables
from disclosure.profile import Profile
from disclosure.solver import new_solver
from disclosure.table import Table

if TYPE_CHECKING:
    from disclosure.protection import Protection

EXACT = "recovered exactly"
NARROWED = "narrowed inside 1..t-1"
PUBLISHED = "sensitive cell published"
INCONSISTENT = "suppressed in some tables, published in others"

_EPS = 1e-6
_SHOWN_EVIDENCE = 12


@dataclass(frozen=True)
class AuditFailure:
    """One failing cell: where it is, its true value, the attacker's interval, the rule it
    breaks and the evidence (the relations and suppressed cells that pin it down)."""

    cell: str
    tables: tuple[str, ...]
    value: int
    status: str
    lower: float
    upper: float
    rule: str
    evidence: tuple[str, ...]

    def __str__(self) -> str:
        why = "; ".join(self.evidence)
        return (
            f"({self.cell}) in {', '.join(self.tables)}: value {self.value}, attacker interval "
            f"[{_fmt(self.lower)}, {_fmt(self.upper)}]: {self.rule}" + (f" ({why})" if why else "")
        )


@dataclass(frozen=True)
class AuditReport:
    """``passed``; ``intervals``: one row per suppressed unique cell (cell, tables, value,
    status, lower, upper, passed, rule); ``failures``: the failing cells with evidence."""

    passed: bool
    intervals: pl.DataFrame
    failures: list[AuditFailure]

    def as_dict(self) -> dict[str, Any]:
        """JSON-serialisable verdict for manifests and artifacts."""
        return {
            "passed": self.passed,
            "cells_audited": self.intervals.height,
            "failures": len(self.failures),
            "failed_cells": [
                {**asdict(f), "lower": _json_number(f.lower), "upper": _json_number(f.upper)}
                for f in self.failures
            ],
        }


def audit(
    tables: Sequence[Table],
    suppressed: Protection | Mapping[str, Any],
    profile: Profile,
) -> AuditReport:
    """Audit ``tables`` under a suppression pattern.

    ``suppressed`` is a :class:`~disclosure.protection.Protection`, or per table name either a
    frame with a ``status`` column ("primary"/"secondary" = suppressed) or a ``suppressed``
    boolean column, or a boolean sequence aligned with ``table.cells``. A cell shared by
    several tables counts as published if any table publishes it.
    """
    linked = link_tables(tables)
    frames = suppressed.tables if hasattr(suppressed, "tables") else suppressed
    hidden_in, shown_in = _suppression_by_cell(tables, frames, linked)
    hidden = np.array([bool(h) and not s for h, s in zip(hidden_in, shown_in, strict=True)])
    values = linked.values
    sensitive = _sensitive(values, profile)
    failures: list[AuditFailure] = []

    for i in range(linked.size):
        if sensitive[i] and shown_in[i]:
            failures.append(
                AuditFailure(
                    cell=linked.label(i),
                    tables=linked.tables_of[i],
                    value=int(values[i]),
                    status="primary",
                    lower=float(values[i]),
                    upper=float(values[i]),
                    rule=PUBLISHED if not hidden_in[i] else INCONSISTENT,
                    evidence=(f"published in {', '.join(shown_in[i])}",),
                )
            )

    rows: list[dict[str, Any]] = []
    cells = np.flatnonzero(hidden)
    if len(cells):
        lp = _AttackerLP(linked, hidden)
        for i in cells:
            lower, upper, low_duals, up_duals = lp.interval(int(i))
            lo = math.ceil(lower - _EPS)
            hi = math.floor(upper + _EPS) if math.isfinite(upper) else math.inf
            status = "primary" if sensitive[i] else "secondary"
            rule = None
            if lo >= hi:
                rule = EXACT
            elif sensitive[i] and lo >= 1 and hi <= profile.threshold - 1:
                rule = NARROWED
            rows.append(
                {
                    "cell": linked.label(int(i)),
                    "tables": ", ".join(linked.tables_of[i]),
                    "value": int(values[i]),
                    "status": status,
                    "lower": float(lo),
                    "upper": float(hi),
                    "passed": rule is None,
                    "rule": rule,
                }
            )
            if rule is not None:
                duals = up_duals if up_duals is not None else low_duals
                failures.append(
                    AuditFailure(
                        cell=linked.label(int(i)),
                        tables=linked.tables_of[i],
                        value=int(values[i]),
                        status=status,
                        lower=float(lo),
                        upper=float(hi),
                        rule=rule,
                        evidence=lp.evidence(duals),
                    )
                )
    intervals = pl.DataFrame(
        rows,
        schema={
            "cell": pl.Utf8,
            "tables": pl.Utf8,
            "value": pl.Int64,
            "status": pl.Utf8,
            "lower": pl.Float64,
            "upper": pl.Float64,
            "passed": pl.Boolean,
            "rule": pl.Utf8,
        },
    )
    return AuditReport(passed=not failures, intervals=intervals, failures=failures)


class _AttackerLP:
    """One HiGHS model over the suppressed cells: the relations restricted to them, with the
    published cells moved to the right-hand side; each question changes the objective only."""

    def __init__(self, linked: LinkedCells, hidden: np.ndarray) -> None:
        self.linked = linked
        self.cells = np.flatnonzero(hidden)
        self.column = {int(c): k for k, c in enumerate(self.cells)}
        relations = linked.relations.tocsr()
        touched = np.flatnonzero(np.asarray(abs(relations[:, self.cells]).sum(axis=1)).ravel())
        self.rows = touched
        sub = relations[touched][:, self.cells].tocsr()
        published = ~hidden
        rhs = -(relations[touched][:, published] @ linked.values[published].astype(np.float64))
        self.sub = sub
        solver = new_solver()
        solver.setOptionValue("presolve", "off")
        n = len(self.cells)
        empty_i = np.array([], dtype=np.int32)
        solver.addCols(
            n,
            np.zeros(n),
            np.zeros(n),
            np.full(n, highspy.kHighsInf),
            0,
            empty_i,
            empty_i,
            np.array([]),
        )
        if len(touched):
            solver.addRows(
                len(touched),
                rhs,
                rhs,
                sub.nnz,
                sub.indptr[:-1].astype(np.int32),
                sub.indices.astype(np.int32),
                sub.data.astype(np.float64),
            )
        self.solver = solver
        self._last: int | None = None

    def _optimise(self, cell: int, sense: highspy.ObjSense) -> tuple[float, np.ndarray | None]:
        k = self.column[cell]
        if self._last is not None:
            self.solver.changeColCost(self._last, 0.0)
        self.solver.changeColCost(k, 1.0)
        self._last = k
        self.solver.changeObjectiveSense(sense)
        self.solver.run()
        status = self.solver.getModelStatus()
        if status == highspy.HighsModelStatus.kOptimal:
            duals = np.asarray(self.solver.getSolution().row_dual, dtype=np.float64)
            return float(self.solver.getInfo().objective_function_value), duals
        if status in (
            highspy.HighsModelStatus.kUnbounded,
            highspy.HighsModelStatus.kUnboundedOrInfeasible,
        ):
            return math.inf, None
        raise RuntimeError(f"audit LP for cell {self.linked.label(cell)} ended with {status}")

    def interval(self, cell: int) -> tuple[float, float, np.ndarray | None, np.ndarray | None]:
        lower, low_duals = self._optimise(cell, highspy.ObjSense.kMinimize)
        upper, up_duals = self._optimise(cell, highspy.ObjSense.kMaximize)
        return lower, upper, low_duals, up_duals

    def evidence(self, duals: np.ndarray | None) -> tuple[str, ...]:
        """The relations with non-zero duals (those the bound is derived from) and the other
        suppressed cells they involve."""
        if duals is None:
            return ()
        used = np.flatnonzero(np.abs(duals) > 1e-9)
        lines = [self.linked.relation_labels[int(self.rows[r])] for r in used[:_SHOWN_EVIDENCE]]
        if len(used) > _SHOWN_EVIDENCE:
            lines.append(f"... and {len(used) - _SHOWN_EVIDENCE} more relation(s)")
        involved = sorted({int(self.cells[c]) for r in used for c in self.sub[r].indices})
        names = [self.linked.label(c) for c in involved[:_SHOWN_EVIDENCE]]
        if names:
            lines.append("suppressed cells involved: " + "; ".join(names))
        return tuple(lines)


def _sensitive(values: np.ndarray, profile: Profile) -> np.ndarray:
    """The minimum frequency rule, restated here so the audit does not trust the protector."""
    sensitive = (values >= 1) & (values < profile.threshold)
    if not profile.zeros_safe:
        sensitive |= values == 0
    return sensitive


def _suppression_by_cell(
    tables: Sequence[Table], frames: Mapping[str, Any], linked: LinkedCells
) -> tuple[list[list[str]], list[list[str]]]:
    """Per unique cell: the tables that suppress it and the tables that publish it."""
    hidden_in: list[list[str]] = [[] for _ in range(linked.size)]
    shown_in: list[list[str]] = [[] for _ in range(linked.size)]
    for table in tables:
        if table.name not in frames:
            raise KeyError(f"no suppression pattern given for table {table.name!r}")
        mask = _mask(table, frames[table.name])
        for j, i in enumerate(linked.cell_of[table.name]):
            (hidden_in if mask[j] else shown_in)[i].append(table.name)
    return hidden_in, shown_in


def _mask(table: Table, given: Any) -> np.ndarray:
    """A boolean mask aligned with ``table.cells`` from a frame, series or sequence."""
    if isinstance(given, pl.DataFrame):
        names = [d.name for d in table.dimensions]
        if "status" in given.columns:
            flag = pl.col("status").is_in(["primary", "secondary"])
        elif "suppressed" in given.columns:
            flag = pl.col("suppressed").cast(pl.Boolean)
        else:
            raise ValueError(f"table {table.name!r}: frame needs a 'status' or 'suppressed' column")
        keyed = given.select(*[pl.col(n).cast(pl.Utf8) for n in names], flag.alias("__hidden"))
        joined = table.cells.select(names).join(keyed, on=names, how="left", maintain_order="left")
        if joined["__hidden"].null_count():
            raise ValueError(f"table {table.name!r}: the pattern does not cover every cell")
        return joined["__hidden"].to_numpy().astype(bool)
    mask = np.asarray(given.to_numpy() if isinstance(given, pl.Series) else given, dtype=bool)
    if mask.shape != (table.size,):
        raise ValueError(f"table {table.name!r}: mask has shape {mask.shape}, need ({table.size},)")
    return mask


def _fmt(x: float) -> str:
    return "inf" if math.isinf(x) else str(int(x))


def _json_number(x: float) -> float | None:
    return None if math.isinf(x) else x
