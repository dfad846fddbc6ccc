"""The attacker's audit of suppressed tables, independent of how the pattern was chosen.

For every suppressed cell ``j`` the attacker solves ``min y_j`` and ``max y_j`` subject to the
additive relations of ALL tables together, every published cell fixed to its value (or, when
the profile rounds, bounded by what its rounded value says: :mod:`disclosure.rounding`) and
every suppressed cell ``>= 0`` (no other upper bound than what the relations imply). Counts
being integers, the interval is ``[ceil(min), floor(max)]``. A cell fails when

- its interval is a single point (recovered exactly);
- it is sensitive under the profile's minimum frequency rule and its interval lies inside
  ``[1, t-1]`` (narrowed to a disclosive count);
- protection levels are given and the interval does not reach ``a + UPL``, ``a - LPL`` or is
  narrower than ``SPL``;
- it is sensitive and published in some table.

(Hundepool et al., 2012, section 4.3.4 "auditing"; tau-ARGUS manual, "audit"; the attacker's
LPs are those of Fischetti and Salazar, JASA 2000.) The suppressed cells split into groups that
share no relation once published cells are moved to the right-hand side; each group is solved
as its own small LP, which keeps the audit of a 200,000-cell table fast.

Only the relation builder (:mod:`disclosure.linking`) is shared with the protection code: the
sensitivity of each cell is recomputed from the profile and the LP model is built here. For each
failing cell the report names the relations and the published cells whose LP duals are non-zero
at the attacker's optimum: they are what pins the cell down.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

import highspy
import numpy as np
import polars as pl
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components

from disclosure.linking import LinkedCells, link_tables
from disclosure.profile import Profile
from disclosure.rounding import known_interval, round_half_up
from disclosure.secondary.levels import KnownBounds, ProtectionLevels
from disclosure.solver import new_solver
from disclosure.table import Table

if TYPE_CHECKING:
    from disclosure.protection import Protection

EXACT = "recovered exactly"
NARROWED = "narrowed inside 1..t-1"
PUBLISHED = "sensitive cell published"
INCONSISTENT = "suppressed in some tables, published in others"
UPPER = "upper protection level not reached"
LOWER = "lower protection level not reached"
SLIDING = "sliding protection level not reached"

_EPS = 1e-6
_SHOWN_EVIDENCE = 12


@dataclass(frozen=True)
class AuditFailure:
    """One failing cell: where it is, its true value, the attacker's interval, the rule it
    breaks, the requirement it had, and the evidence: ``relations`` (the additive relations
    with non-zero dual at the attacker's optimum), ``pinned_by`` (the published cells whose
    known values bound it, and the other suppressed cells of those relations)."""

    cell: str
    tables: tuple[str, ...]
    value: int
    status: str
    lower: float
    upper: float
    rule: str
    requirement: str = ""
    relations: tuple[str, ...] = ()
    pinned_by: tuple[str, ...] = ()

    @property
    def evidence(self) -> tuple[str, ...]:
        """Relations and cells behind the interval, as readable lines."""
        lines = list(self.relations)
        if self.pinned_by:
            lines.append("cells involved: " + "; ".join(self.pinned_by))
        return tuple(lines)

    def __str__(self) -> str:
        """One line: cell, value, interval, rule broken, requirement and evidence."""
        why = "; ".join(self.evidence)
        need = f", needs {self.requirement}" if self.requirement else ""
        return (
            f"({self.cell}) in {', '.join(self.tables)}: value {self.value}, attacker interval "
            f"[{_fmt(self.lower)}, {_fmt(self.upper)}]: {self.rule}{need}"
            + (f" ({why})" if why else "")
        )

    def as_dict(self) -> dict[str, Any]:
        """JSON-serialisable form (an infinite bound becomes null)."""
        out = asdict(self)
        out["tables"] = list(self.tables)
        out["relations"] = list(self.relations)
        out["pinned_by"] = list(self.pinned_by)
        out["evidence"] = list(self.evidence)
        out["lower"], out["upper"] = _json_number(self.lower), _json_number(self.upper)
        return out


@dataclass(frozen=True)
class AuditReport:
    """``passed``; ``intervals``: one row per suppressed unique cell (cell, tables, value,
    status, lower, upper, passed, rule); ``failures``: the failing cells with evidence;
    ``rounding_base`` when published cells were audited as rounded."""

    passed: bool
    intervals: pl.DataFrame
    failures: list[AuditFailure]
    rounding_base: int | None = None

    def as_dict(self) -> dict[str, Any]:
        """JSON-serialisable verdict for release manifests and Prefect artifacts: the verdict,
        counts, and each failing cell with its interval and what pins it down."""
        return {
            "passed": self.passed,
            "cells_audited": self.intervals.height,
            "failures": len(self.failures),
            "rounding_base": self.rounding_base,
            "failed_cells": [f.as_dict() for f in self.failures],
        }

    def markdown(self, shown: int = 20) -> str:
        """A Markdown summary (verdict, then a table of failing cells) for a Prefect artifact."""
        verdict = "passed" if self.passed else "FAILED"
        lines = [f"Audit {verdict}: {self.intervals.height} suppressed cell(s) audited."]
        if self.failures:
            lines += [
                "",
                "| cell | tables | value | interval | rule | pinned by |",
                "|---|---|---|---|---|---|",
            ]
            for f in self.failures[:shown]:
                lines.append(
                    f"| {f.cell} | {', '.join(f.tables)} | {f.value} | "
                    f"[{_fmt(f.lower)}, {_fmt(f.upper)}] | {f.rule} | "
                    f"{'; '.join(f.evidence[:3])} |"
                )
            if len(self.failures) > shown:
                lines.append(f"\n... and {len(self.failures) - shown} more failing cell(s)")
        return "\n".join(lines)


def audit(
    tables: Sequence[Table],
    suppressed: Protection | Mapping[str, Any],
    profile: Profile,
    levels: ProtectionLevels | None = None,
) -> AuditReport:
    """Audit ``tables`` under a suppression pattern (Hundepool et al., 2012, 4.3.4).

    ``suppressed`` is a :class:`~disclosure.protection.Protection`, or per table name either a
    frame with a ``status`` column ("primary"/"secondary" = suppressed) or a ``suppressed``
    boolean column, or a boolean sequence aligned with ``table.cells``. A cell shared by
    several tables counts as published if any table publishes it. ``levels`` (over the linked
    unique cells of ``link_tables(tables)``; a Protection brings its own) adds the upper, lower
    and sliding protection requirements to the rules checked.
    """
    linked = link_tables(tables)
    if levels is None and hasattr(suppressed, "levels"):
        levels = suppressed.levels
    frames = suppressed.tables if hasattr(suppressed, "tables") else suppressed
    hidden_in, shown_in = _suppression_by_cell(tables, frames, linked)
    hidden = np.array([bool(h) and not s for h, s in zip(hidden_in, shown_in, strict=True)])
    values = linked.values
    sensitive = _sensitive(values, profile)
    known = published_bounds(values, profile)
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
                    pinned_by=(f"published in {', '.join(shown_in[i])}",),
                )
            )

    rows: list[dict[str, Any]] = []
    cells = np.flatnonzero(hidden)
    if len(cells):
        solver = IntervalSolver(linked.relations, values, hidden, known)
        for i in cells:
            result = solver.interval(int(i))
            lo = math.ceil(result.lower - _EPS)
            hi = math.floor(result.upper + _EPS) if math.isfinite(result.upper) else math.inf
            primary = sensitive[i] or (levels is not None and bool(levels.primary[i]))
            status = "primary" if primary else "secondary"
            rule, duals = _broken_rule(int(i), lo, hi, int(values[i]), sensitive, levels, profile)
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
                relations, pinned = solver.evidence(int(i), result, duals, linked)
                failures.append(
                    AuditFailure(
                        cell=linked.label(int(i)),
                        tables=linked.tables_of[i],
                        value=int(values[i]),
                        status=status,
                        lower=float(lo),
                        upper=float(hi),
                        rule=rule,
                        requirement=_requirement(int(i), sensitive, levels, profile),
                        relations=relations,
                        pinned_by=pinned,
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
    return AuditReport(
        passed=not failures,
        intervals=intervals,
        failures=failures,
        rounding_base=profile.rounding_base,
    )


def published_bounds(values: np.ndarray, profile: Profile) -> KnownBounds:
    """What the attacker knows of each cell if it is published: its value exactly, or under a
    rounding profile the interval its rounded value allows (:func:`rounding.known_interval`)."""
    if profile.rounding_base is None:
        return KnownBounds.exact(values)
    base = profile.rounding_base
    low, high = known_interval(
        round_half_up(values, base), base, profile.threshold, profile.zeros_safe
    )
    return KnownBounds(low.astype(np.float64), high.astype(np.float64))


def _broken_rule(
    cell: int,
    lo: float,
    hi: float,
    value: int,
    sensitive: np.ndarray,
    levels: ProtectionLevels | None,
    profile: Profile,
) -> tuple[str | None, str]:
    """The first rule the interval ``[lo, hi]`` breaks and which side's duals explain it
    ("upper", "lower" or "both"), or (None, "")."""
    if lo >= hi:
        return EXACT, "both"
    if sensitive[cell] and lo >= 1 and hi <= profile.threshold - 1:
        return NARROWED, "both"
    if levels is not None and levels.primary[cell]:
        if hi < value + levels.upper[cell] - _EPS:
            return UPPER, "upper"
        if lo > value - levels.lower[cell] + _EPS:
            return LOWER, "lower"
        if hi - lo < levels.sliding[cell] - _EPS:
            return SLIDING, "both"
    return None, ""


def _requirement(
    cell: int, sensitive: np.ndarray, levels: ProtectionLevels | None, profile: Profile
) -> str:
    """What the cell had to satisfy, in words, for the failure report."""
    parts = ["not recovered exactly"]
    if sensitive[cell]:
        parts.append(f"not inside 1..{profile.threshold - 1}")
    if levels is not None and levels.primary[cell]:
        parts.append(levels.requirement(cell))
    return "; ".join(parts)


@dataclass(frozen=True)
class Interval:
    """The attacker's real-valued min and max of one cell with the duals of both LPs
    (``None`` when unbounded): row duals over the group's relations, column duals over its
    variables."""

    lower: float
    upper: float
    group: int
    low_duals: tuple[np.ndarray, np.ndarray] | None
    up_duals: tuple[np.ndarray, np.ndarray] | None


class IntervalSolver:
    """The attacker's LPs, one small HiGHS model per group of suppressed cells linked by
    relations (published inexact cells, under rounding, are variables too)."""

    def __init__(
        self,
        relations: sp.csr_matrix,
        values: np.ndarray,
        hidden: np.ndarray,
        known: KnownBounds,
    ) -> None:
        relations = relations.tocsr()
        values = np.asarray(values, dtype=np.float64)
        low = np.where(hidden, 0.0, np.asarray(known.low, dtype=np.float64))
        high = np.where(hidden, np.inf, np.asarray(known.high, dtype=np.float64))
        variable = hidden | (low < high)
        self.variables = np.flatnonzero(variable)
        self.low, self.high = low, high
        touched = np.asarray(abs(relations[:, self.variables]).sum(axis=1)).ravel() > 0
        self.rows = np.flatnonzero(touched)
        sub = relations[self.rows][:, self.variables].tocsr()
        fixed = ~variable
        self.rhs = -(relations[self.rows][:, fixed] @ values[fixed])
        self.sub = sub
        n_var, n_row = len(self.variables), len(self.rows)
        graph = (
            sp.bmat([[None, sub.T], [sub, None]], format="csr")
            if n_row
            else sp.csr_matrix((n_var, n_var))
        )
        _, labels = connected_components(graph, directed=False)
        self.group_of_var = labels[:n_var]
        self.group_of_row = labels[n_var:]
        self.column = {int(c): k for k, c in enumerate(self.variables)}
        self._models: dict[int, _GroupLP] = {}

    def _model(self, group: int) -> _GroupLP:
        """The LP of one group of linked suppressed cells, built on first use."""
        if group not in self._models:
            var = np.flatnonzero(self.group_of_var == group)
            row = np.flatnonzero(self.group_of_row == group)
            cells = self.variables[var]
            self._models[group] = _GroupLP(
                var,
                row,
                self.sub[row][:, var].tocsr(),
                self.rhs[row],
                self.low[cells],
                self.high[cells],
            )
        return self._models[group]

    def interval(self, cell: int) -> Interval:
        """Min and max of ``cell`` over everything the attacker knows."""
        k = self.column[cell]
        group = int(self.group_of_var[k])
        model = self._model(group)
        position = int(np.searchsorted(model.var, k))
        lower, low_duals = model.optimise(position, highspy.ObjSense.kMinimize)
        upper, up_duals = model.optimise(position, highspy.ObjSense.kMaximize)
        return Interval(lower, upper, group, low_duals, up_duals)

    def evidence(
        self, cell: int, result: Interval, side: str, linked: LinkedCells
    ) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """The relations with non-zero row dual at the attacker's optimum (those the bound is
        derived from), and the cells they pin it with: published cells whose known bound is
        active (non-zero column dual) and the other suppressed cells of those relations."""
        model = self._models[result.group]
        chosen = []
        if side in ("upper", "both") and result.up_duals is not None:
            chosen.append(result.up_duals)
        if side in ("lower", "both") and result.low_duals is not None:
            chosen.append(result.low_duals)
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


class _GroupLP:
    """One group's LP: variables ``var`` (positions among the solver's variables), rows
    ``row`` (positions among its rows); each question changes the objective only."""

    def __init__(
        self,
        var: np.ndarray,
        row: np.ndarray,
        sub: sp.csr_matrix,
        rhs: np.ndarray,
        low: np.ndarray,
        high: np.ndarray,
    ) -> None:
        self.var, self.row, self.sub, self.rhs = var, row, sub, rhs
        solver = new_solver()
        solver.setOptionValue("presolve", "off")
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
    ) -> tuple[float, tuple[np.ndarray, np.ndarray] | None]:
        """Minimise or maximise variable ``k`` (the attacker's LP, Fischetti and Salazar 2000): the
        optimum and its row and column duals, or infinity when unbounded."""
        if self._last is not None:
            self.solver.changeColCost(self._last, 0.0)
        self.solver.changeColCost(k, 1.0)
        self._last = k
        self.solver.changeObjectiveSense(sense)
        self.solver.run()
        status = self.solver.getModelStatus()
        if status == highspy.HighsModelStatus.kOptimal:
            solution = self.solver.getSolution()
            duals = (
                np.asarray(solution.row_dual, dtype=np.float64),
                np.asarray(solution.col_dual, dtype=np.float64),
            )
            return float(self.solver.getInfo().objective_function_value), duals
        if status in (
            highspy.HighsModelStatus.kUnbounded,
            highspy.HighsModelStatus.kUnboundedOrInfeasible,
        ):
            return math.inf, None
        raise RuntimeError(f"audit LP ended with status {status}")


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
        mask = pattern_mask(table, frames[table.name])
        for j, i in enumerate(linked.cell_of[table.name]):
            (hidden_in if mask[j] else shown_in)[i].append(table.name)
    return hidden_in, shown_in


def pattern_mask(table: Table, given: Any) -> np.ndarray:
    """A boolean mask aligned with ``table.cells`` from a frame (``status`` or ``suppressed``
    column, joined on the dimension codes), series or sequence."""
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
    """An interval bound as text (``inf`` when unbounded)."""
    return "inf" if math.isinf(x) else str(int(x))


def _json_number(x: float) -> float | None:
    """A bound for JSON: null when infinite."""
    return None if math.isinf(x) else x
