"""The attacker's audit over a new release and the earlier releases of the same population.

The attacker holds both releases as published: each release's additive relations, its
published cells (exactly, or within their rounding interval) and that every suppressed count
is a non-negative whole number (Hundepool et al., 2012, 4.3.4). What links the two is what is
known of the change (:data:`~disclosure.over_time.earlier.Change`): after removals only (a
re-issue after opt-outs) every paired cell satisfies ``a - b + s = 0`` with a removal count
``s >= 0``, after additions only ``a - b - s = 0``; with any change nothing links them but the
cells' own intervals. One LP model (:class:`~disclosure.intervals.IntervalSolver`) over the
cells of both releases and those removal (or addition) counts gives, in whole numbers:

- every suppressed cell of an earlier release, and every primary cell of the new one: it
  fails when recovered exactly, or narrowed inside ``1..t-1`` while its true value is there
  (the threshold rule, 4.2.1). A secondary cell of the new release that the pair gives away
  exactly is not a failure (it protects nothing any more; the new release alone still
  leaves its interval open); it is counted (``recoverable``), and so is a cell primary
  only by the difference rule (its change is what is sensitive, checked below);
- every paired attribute cell whose change is ``1..t-1`` pupils: the interval of its change
  ``d``, which fails when it lies inside ``1..t-1`` or ``-(t-1)..-1`` (the difference rule,
  :mod:`disclosure.over_time.difference_rule`): the attacker would know for certain that
  a few of the changed pupils have that attribute. Not when the attacker pins it as
  tightly from the earlier release and the change of each place's total alone (the cells at
  the total of every attribute, which a release may show: the run says how many pupils it
  left out): a pupil who left a primary school was in key stage R-6 whatever is suppressed
  (``shown_by_totals``).

A release failing this audit is not written. Method note: ``docs/methods/releases-over-time.md``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import polars as pl
import scipy.sparse as sp

from disclosure.intervals import IntervalSolver
from disclosure.levels import KnownBounds
from disclosure.linking import LinkedCells, link_tables
from disclosure.over_time.difference_rule import small_changes
from disclosure.over_time.earlier import (
    EarlierRelease,
    attribute_cells,
    hidden_cells,
    paired_cells,
    primary_cells,
)
from disclosure.primary.assess import DIFFERENCE as DIFFERENCE_REASON
from disclosure.primary.assess import REQUESTED
from disclosure.profile import Profile
from disclosure.protected_tables import REASON
from disclosure.rounding import published_bounds
from disclosure.table import Table

_EPS = 1e-6
RECOVERED = "recovered exactly"
NARROWED = "narrowed inside 1..t-1"
DIFFERENCE = "change of a few pupils pinned"


@dataclass(frozen=True)
class JointFinding:
    """One cell the attacker learns too much of from two releases together: which release
    (``new`` or the earlier release's name), the cell, its true value (for a difference cell,
    the true change), the attacker's whole-number interval and the rule broken (the audit of
    Hundepool et al., 2012, 4.3.4 over linked tables)."""

    release: str
    cell: str
    value: int
    lower: float
    upper: float
    rule: str

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready (the audit's findings, Hundepool et al., 2012, 4.3.4)."""
        return {
            "release": self.release,
            "cell": self.cell,
            "value": self.value,
            "lower": self.lower,
            "upper": self.upper,
            "rule": self.rule,
        }


@dataclass(frozen=True)
class JointAuditReport:
    """``passed`` when no finding; the findings; the earlier releases audited with the new one
    and how many cells and changes were checked (the audit of Hundepool et al., 2012, 4.3.4
    over a new release and earlier ones)."""

    passed: bool
    findings: list[JointFinding] = field(default_factory=list)
    earlier: tuple[str, ...] = ()
    cells_checked: int = 0
    changes_checked: int = 0
    recoverable: int = 0
    recoverable_cells: tuple[int, ...] = ()
    """The new release's unique cells (of ``link_tables(tables)``) counted in
    ``recoverable``: suppressed as secondaries, given away exactly by the pair."""
    shown_by_totals: int = 0
    """Changes of a few pupils pinned already by the earlier release and how many pupils
    changed in each place (the totals over every attribute, which may be shown): not
    findings (module docstring)."""

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready verdict for a manifest (no true value of a suppressed cell: findings
        are only reported when the audit fails, and a failing release is not written): the
        audit's verdict of Hundepool et al., 2012, 4.3.4."""
        return {
            "passed": self.passed,
            "earlier_releases": list(self.earlier),
            "cells_checked": self.cells_checked,
            "changes_checked": self.changes_checked,
            "recoverable_secondaries": self.recoverable,
            "failures": len(self.findings),
            "changes_shown_by_totals": self.shown_by_totals,
        }


def kept_only(
    tables: Sequence[Table],
    suppressed: Mapping[str, Any],
    linked: LinkedCells,
    kept: Mapping[str, np.ndarray],
) -> np.ndarray:
    """Unique cells suppressed only because ``kept`` asked (their reason is the request, no
    rule's): secondary cells in all but name (tau-ARGUS manual, "cell status")."""
    frames = getattr(suppressed, "tables", suppressed)
    only = np.zeros(linked.size, dtype=bool)
    for table in tables:
        mask = np.asarray(kept.get(table.name, np.zeros(table.size, dtype=bool)), dtype=bool)
        frame = frames[table.name]
        if isinstance(frame, pl.DataFrame) and REASON in frame.columns:
            mask = mask & (frame[REASON] == REQUESTED).fill_null(False).to_numpy()
        only[linked.cell_of[table.name][mask]] = True
    return only


def difference_only(
    tables: Sequence[Table], suppressed: Mapping[str, Any], linked: LinkedCells
) -> np.ndarray:
    """Unique cells primary only by the difference rule (reason ``difference``): what is
    sensitive there is the change, which the audit checks as a change, not the cell's value
    (module docstring; the audit of Hundepool et al., 2012, 4.3.4)."""
    frames = getattr(suppressed, "tables", suppressed)
    only = np.zeros(linked.size, dtype=bool)
    for table in tables:
        frame = frames[table.name]
        if isinstance(frame, pl.DataFrame) and REASON in frame.columns:
            mask = (frame[REASON] == DIFFERENCE_REASON).fill_null(False).to_numpy()
            only[linked.cell_of[table.name][mask]] = True
    return only


def _whole(found: Any) -> tuple[float, float]:
    """An LP interval in whole numbers: ceil of the minimum, floor of the maximum."""
    low = math.ceil(found.lower - _EPS)
    high = math.floor(found.upper + _EPS) if math.isfinite(found.upper) else math.inf
    return float(low), float(high)


def _joint_system(
    new: LinkedCells,
    new_hidden: np.ndarray,
    new_known: KnownBounds,
    old: LinkedCells,
    old_hidden: np.ndarray,
    old_known: KnownBounds,
    pairs: tuple[np.ndarray, np.ndarray],
    change: str,
) -> IntervalSolver:
    """One attacker model over both releases' cells and, after removals or additions only,
    one non-negative change count per paired cell (module docstring)."""
    n, m = new.size, old.size
    new_cells, old_cells = pairs
    linking = change in ("removals", "additions") and len(new_cells) > 0
    p = len(new_cells) if linking else 0
    blocks = [
        sp.hstack([new.relations, sp.csr_matrix((new.relations.shape[0], m + p))]),
        sp.hstack(
            [
                sp.csr_matrix((old.relations.shape[0], n)),
                old.relations,
                sp.csr_matrix((old.relations.shape[0], p)),
            ]
        ),
    ]
    change_values = np.zeros(p)
    if linking:
        sign = 1.0 if change == "removals" else -1.0  # a - b + s = 0 or a - b - s = 0
        rows = np.repeat(np.arange(p), 3)
        cols = np.column_stack([new_cells, n + old_cells, n + m + np.arange(p)]).ravel()
        data = np.tile([1.0, -1.0, sign], p)
        blocks.append(sp.csr_matrix((data, (rows, cols)), shape=(p, n + m + p)))
        change_values = sign * (old.values[old_cells] - new.values[new_cells])
        if (change_values < 0).any():
            raise ValueError(
                f"the change is not {change} only: some paired cell moved the other way"
            )
    relations = sp.vstack(blocks).tocsr()
    values = np.concatenate([new.values, old.values, change_values]).astype(np.float64)
    hidden = np.concatenate([new_hidden, old_hidden, np.ones(p, dtype=bool)])
    known = KnownBounds(
        np.concatenate([new_known.low, old_known.low, np.zeros(p)]),
        np.concatenate([new_known.high, old_known.high, np.full(p, np.inf)]),
    )
    return IntervalSolver(relations, values, hidden, known)


def _inside(interval: tuple[float, float], t: int) -> bool:
    """A change's interval inside ``1..t-1`` or ``-(t-1)..-1`` (the difference rule)."""
    low, high = interval
    return (low >= 1 and high <= t - 1) or (-(t - 1) <= low and high <= -1)


def _change_interval(
    solver: IntervalSolver,
    bounds_low: np.ndarray,
    bounds_high: np.ndarray,
    pairs: tuple[np.ndarray, np.ndarray],
    k: int,
    n: int,
    m: int,
    change: str,
) -> tuple[float, float]:
    """The whole-number interval of the change ``d = a - b`` of pair ``k``: from the
    removal (or addition) count of the joint model, or else from the two cells' intervals
    (``bounds_*``: new cells then old cells)."""
    if change in ("removals", "additions"):
        s_low, s_high = _whole(solver.interval(n + m + k))
        sign = -1.0 if change == "removals" else 1.0
        low, high = sorted((sign * s_low, sign * s_high))
        return low, high
    i, j = int(pairs[0][k]), n + int(pairs[1][k])
    return bounds_low[i] - bounds_high[j], bounds_high[i] - bounds_low[j]


def _pinned_by_totals(
    new: LinkedCells,
    old: LinkedCells,
    old_hidden: np.ndarray,
    new_known: KnownBounds,
    old_known: KnownBounds,
    pairs: tuple[np.ndarray, np.ndarray],
    change: str,
    attribute: np.ndarray,
    candidates: list[int],
    t: int,
) -> set[int]:
    """Of the pinned changes ``candidates`` (pair indices), those the attacker pins already
    from the earlier release and the new release's cells at the total of every attribute
    (how many pupils changed in each place, which the rule lets a release show): e.g. a
    pupil who left a primary school was in key stage R-6. Such a change is disclosed by
    the totals, not by this release's pattern (module docstring)."""
    baseline = _joint_system(new, attribute, new_known, old, old_hidden, old_known, pairs, change)
    low = np.concatenate([new_known.low, old_known.low])
    high = np.concatenate([new_known.high, old_known.high])
    cells = np.flatnonzero(np.concatenate([attribute, old_hidden]))
    if change not in ("removals", "additions"):
        wanted = set()
        for k in candidates:
            wanted |= {int(pairs[0][k]), new.size + int(pairs[1][k])}
        cells = np.array(sorted(set(cells.tolist()) & wanted), dtype=np.int64)
        for i, found in zip(cells, baseline.intervals(cells), strict=True):
            low[i], high[i] = _whole(found)
    return {
        k
        for k in candidates
        if _inside(_change_interval(baseline, low, high, pairs, k, new.size, old.size, change), t)
    }


def joint_audit(
    tables: Sequence[Table],
    suppressed: Mapping[str, Any],
    profile: Profile,
    earlier: Sequence[EarlierRelease],
    attributes: Mapping[str, Sequence[str]],
    kept: Mapping[str, np.ndarray] | None = None,
) -> JointAuditReport:
    """Audit the new release (``tables`` under the pattern ``suppressed``: a Protection or
    per table a mask or a frame with ``status``/``suppressed``) together with each of
    ``earlier`` (module docstring). ``attributes``: per table name, its attribute
    dimensions. ``kept``: per table, cells suppressed (as requested) only to keep the
    releases consistent: secondary cells, not sensitive ones. The audit of Hundepool et al.,
    2012, 4.3.4 over linked tables (4.4)."""
    new = link_tables(tables)
    new_hidden = hidden_cells(tables, suppressed, new)
    new_primary = primary_cells(tables, suppressed, new)
    new_primary &= ~kept_only(tables, suppressed, new, kept or {})
    new_primary &= ~difference_only(tables, suppressed, new)
    new_known = published_bounds(new.values, profile, new.magnitude)
    totals = {d.name: d.total for t in tables for d in t.dimensions}
    wanted = sorted({a for names in attributes.values() for a in names})
    t = profile.threshold
    findings: list[JointFinding] = []
    cells_checked = changes_checked = recoverable = by_totals = 0
    given_away: set[int] = set()
    for release in earlier:
        old = release.linked()
        old_hidden = release.hidden(old)
        old_known = published_bounds(old.values, release.profile, old.magnitude)
        pairs = paired_cells(new, old)
        solver = _joint_system(
            new, new_hidden, new_known, old, old_hidden, old_known, pairs, release.change
        )
        bounds_low = np.concatenate([new_known.low, old_known.low])
        bounds_high = np.concatenate([new_known.high, old_known.high])
        hidden = np.concatenate([new_hidden, old_hidden])
        values = np.concatenate([new.values, old.values])
        cells = np.flatnonzero(hidden)
        for i, found in zip(cells, solver.intervals(cells), strict=True):
            low, high = _whole(found)
            bounds_low[i], bounds_high[i] = low, high
            value = int(values[i])
            rule = None
            if low >= high:
                rule = RECOVERED
            elif 1 <= value <= t - 1 and low >= 1 and high <= t - 1:
                rule = NARROWED
            if rule and i < new.size and not new_primary[i]:
                recoverable += 1
                given_away.add(int(i))
            elif rule:
                owner, linked, k = (
                    ("new", new, i) if i < new.size else (release.name, old, i - new.size)
                )
                findings.append(JointFinding(owner, linked.label(k), value, low, high, rule))
        cells_checked += len(cells)
        new_cells, old_cells = pairs
        if not len(new_cells):
            continue
        a, b = new.values[new_cells], old.values[old_cells]
        attribute = attribute_cells(new, new_cells, wanted, totals)
        small = np.flatnonzero(small_changes(a, b, attribute, t))
        changes_checked += len(small)
        pinned = [
            (int(k), *interval)
            for k in small
            if _inside(
                interval := _change_interval(
                    solver,
                    bounds_low,
                    bounds_high,
                    pairs,
                    int(k),
                    new.size,
                    old.size,
                    release.change,
                ),
                t,
            )
        ]
        if pinned:
            shown = _pinned_by_totals(
                new,
                old,
                old_hidden,
                new_known,
                old_known,
                pairs,
                release.change,
                attribute_cells(new, np.arange(new.size), wanted, totals),
                [k for k, *_ in pinned],
                t,
            )
            by_totals += len(shown)
            for k, low, high in pinned:
                if k in shown:
                    continue
                d = int(a[k] - b[k])
                label = new.label(int(new_cells[k]))
                findings.append(JointFinding("new", label, d, low, high, DIFFERENCE))
    return JointAuditReport(
        passed=not findings,
        findings=findings,
        earlier=tuple(r.name for r in earlier),
        cells_checked=cells_checked,
        changes_checked=changes_checked,
        recoverable=recoverable,
        recoverable_cells=tuple(sorted(given_away)),
        shown_by_totals=by_totals,
    )
