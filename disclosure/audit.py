"""The attacker's audit of suppressed tables, independent of how the pattern was chosen.

For every suppressed cell ``j`` the attacker solves ``min y_j`` and ``max y_j`` subject to the
additive relations of ALL tables together, every published cell fixed to its value (or, when
the profile rounds, bounded by what its rounded value says: :mod:`disclosure.rounding`) and
every suppressed cell ``>= 0`` (no other upper bound than what the relations imply). Counts
being integers, the interval is ``[ceil(min), floor(max)]``. A cell fails when

- its interval is a single point (recovered exactly);
- it is a count sensitive under the profile's minimum frequency rule and its interval lies
  inside ``[1, t-1]`` (narrowed to a disclosive count);
- it is primary and its interval does not reach ``a + UPL``, ``a - LPL`` or is narrower than
  ``SPL``: the levels given (a Protection brings its own), else those the profile's rules ask
  (:func:`disclosure.primary.assess_primary`: dominance and p% for magnitude tables, rates,
  group attribute disclosure; a count's minimum frequency requirement is the previous point);
- it is sensitive under any of the profile's rules and published in some table.

(Hundepool et al., 2012, section 4.3.4 "auditing"; tau-ARGUS manual, "audit"; the attacker's
LPs are those of Fischetti and Salazar, JASA 2000.) The suppressed cells split into groups that
share no relation once published cells are moved to the right-hand side; each group is solved
as its own small LP, which keeps the audit of a 200,000-cell table fast; the LPs are those of
:mod:`disclosure.intervals` (exact optima, re-solved by the primal simplex method, minima
settled by a witness at 0 where one exists).

Only the relation builder (:mod:`disclosure.linking`) and the primary rules
(:mod:`disclosure.primary`) are shared with the protection code: the sensitivity of each cell is
recomputed from the profile and the attacker's LPs are built from the pattern alone. For each
failing cell the report names the relations and the published cells whose LP duals are non-zero
at the attacker's optimum: they are what pins the cell down.
Method note: ``docs/methods/audit.md``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import polars as pl

from disclosure.audit_report import AuditFailure, AuditReport
from disclosure.intervals import Interval, IntervalSolver  # noqa: F401 (re-export)
from disclosure.levels import ProtectionLevels
from disclosure.linking import LinkedCells, link_tables
from disclosure.patterns import pattern_mask
from disclosure.primary.assess import assess_primary
from disclosure.primary.frequency import FREQ
from disclosure.profile import Profile
from disclosure.protected_tables import Protection
from disclosure.published_cells import published_cells, published_cells_digest
from disclosure.rounding import published_bounds
from disclosure.table import Table

EXACT = "recovered exactly"
NARROWED = "narrowed inside 1..t-1"
PUBLISHED = "sensitive cell published"
INCONSISTENT = "suppressed in some tables, published in others"
UPPER = "upper protection level not reached"
LOWER = "lower protection level not reached"
SLIDING = "sliding protection level not reached"
EITHER = "neither alternative protection level reached"

_EPS = 1e-6


def audit(
    tables: Sequence[Table],
    suppressed: Protection | Mapping[str, Any],
    profile: Profile,
    levels: ProtectionLevels | None = None,
    required: Mapping[str, pl.DataFrame] | None = None,
) -> AuditReport:
    """Audit ``tables`` under a suppression pattern (Hundepool et al., 2012, 4.3.4).

    ``suppressed`` is a :class:`~disclosure.protected_tables.Protection`, or per table name either a
    frame with a ``status`` column ("primary"/"secondary" = suppressed) or a ``suppressed``
    boolean column, or a boolean sequence aligned with ``table.cells``. A cell shared by
    several tables counts as published if any table publishes it. ``levels`` (over the linked
    unique cells of ``link_tables(tables)``; a Protection brings its own) are the upper, lower
    and sliding protection requirements checked; without them the profile's rules give them,
    with the cells ``required`` (per table, a frame of codes and levels, as
    :func:`~disclosure.protection.protect` takes it) sensitive too.
    The report's ``digest`` is that of the cells of ``tables`` as published under this pattern
    and profile (:func:`~disclosure.published_cells.published_cells_digest`).
    """
    linked = link_tables(tables)
    if levels is None and hasattr(suppressed, "levels"):
        levels = suppressed.levels
    frames = suppressed.tables if hasattr(suppressed, "tables") else suppressed
    masks = _table_masks(tables, frames)
    hidden_in, shown_in = _suppression_by_cell(tables, masks, linked)
    hidden = np.array([bool(h) and not s for h, s in zip(hidden_in, shown_in, strict=True)])
    values = linked.values
    reasons, assessed = assess_primary(
        tables, linked, profile, count_frequency_levels=False, required=required
    )
    sensitive = np.not_equal(reasons, None)
    if levels is None:
        levels = assessed
    # counts under the minimum frequency rule must not be narrowed inside 1..t-1
    narrowable = (reasons == FREQ) & ~linked.magnitude
    known = published_bounds(values, profile, linked.magnitude)
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
        for i, result in zip(cells, solver.intervals(cells), strict=True):
            lo = math.ceil(result.lower - _EPS)
            hi = math.floor(result.upper + _EPS) if math.isfinite(result.upper) else math.inf
            primary = sensitive[i] or (levels is not None and bool(levels.primary[i]))
            status = "primary" if primary else "secondary"
            rule, duals = _broken_rule(int(i), lo, hi, int(values[i]), narrowable, levels, profile)
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
                        requirement=_requirement(int(i), narrowable, levels, profile),
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
        digest=published_cells_digest(
            {t.name: published_cells(t, masks[t.name], profile) for t in tables}
        ),
        rounding_base=profile.rounding_base,
    )


def _broken_rule(
    cell: int,
    lo: float,
    hi: float,
    value: int,
    narrowable: np.ndarray,
    levels: ProtectionLevels | None,
    profile: Profile,
) -> tuple[str | None, str]:
    """The first rule the interval ``[lo, hi]`` breaks and which side's duals explain it
    ("upper", "lower" or "both"), or (None, "") (Hundepool et al., 2012, 4.2.2: the feasibility
    interval must cover the protection levels)."""
    if lo >= hi:
        return EXACT, "both"
    if narrowable[cell] and lo >= 1 and hi <= profile.threshold - 1:
        return NARROWED, "both"
    if levels is not None and levels.primary[cell]:
        if hi < value + levels.upper[cell] - _EPS:
            return UPPER, "upper"
        if lo > value - levels.lower[cell] + _EPS:
            return LOWER, "lower"
        if hi - lo < levels.sliding[cell] - _EPS:
            return SLIDING, "both"
        alt_up, alt_down = levels.alt_upper[cell], levels.alt_lower[cell]
        if (
            alt_up > 0
            and alt_down > 0
            and hi < value + alt_up - _EPS
            and lo > value - alt_down + _EPS
        ):
            return EITHER, "both"
    return None, ""


def _requirement(
    cell: int, narrowable: np.ndarray, levels: ProtectionLevels | None, profile: Profile
) -> str:
    """What the cell had to satisfy, in words, for the failure report (Hundepool et al., 2012,
    4.2.2 protection levels; the minimum frequency rule's 1..t-1 range)."""
    parts = ["not recovered exactly"]
    if narrowable[cell]:
        parts.append(f"not inside 1..{profile.threshold - 1}")
    if levels is not None and levels.primary[cell]:
        parts.append(levels.requirement(cell))
    return "; ".join(parts)


def _table_masks(tables: Sequence[Table], frames: Mapping[str, Any]) -> dict[str, np.ndarray]:
    """Per table, its suppressed cells as a boolean mask aligned with ``table.cells``."""
    masks: dict[str, np.ndarray] = {}
    for table in tables:
        if table.name not in frames:
            raise KeyError(f"no suppression pattern given for table {table.name!r}")
        masks[table.name] = pattern_mask(table, frames[table.name])
    return masks


def _suppression_by_cell(
    tables: Sequence[Table], masks: Mapping[str, np.ndarray], linked: LinkedCells
) -> tuple[list[list[str]], list[list[str]]]:
    """Per unique cell: the tables that suppress it and the tables that publish it."""
    hidden_in: list[list[str]] = [[] for _ in range(linked.size)]
    shown_in: list[list[str]] = [[] for _ in range(linked.size)]
    for table in tables:
        mask = masks[table.name]
        for j, i in enumerate(linked.cell_of[table.name]):
            (hidden_in if mask[j] else shown_in)[i].append(table.name)
    return hidden_in, shown_in
