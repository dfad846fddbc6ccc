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

A cell of the new release that the earlier release published exactly, with the same value,
is not a finding when the pair pins it (``published_before``): the pair shows what was
published already. (A group of 11 pupils none of whom was persistently absent, published
as 0; one leaves, the group of 10 falls under the group attribute rule, and after removals
only its 0 cannot have grown: the attacker knows the 0, as everyone has since the earlier
release.)

A release failing this audit is not written. Method note: ``docs/methods/releases-over-time.md``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import polars as pl

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
from disclosure.over_time.joint_model import (
    change_interval,
    inside,
    joint_system,
    pinned_by_totals,
    small_pairs,
    whole,
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
    published_before: int = 0
    """Cells of the new release pinned by the pair that an earlier release published exactly
    with the same value: not findings (module docstring)."""
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
            "cells_published_before": self.published_before,
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
    cells_checked = changes_checked = recoverable = by_totals = published_before = 0
    given_away: set[int] = set()
    for release in earlier:
        old = release.linked()
        old_hidden = release.hidden(old)
        old_known = published_bounds(old.values, release.profile, old.magnitude)
        pairs = paired_cells(new, old)
        solver = joint_system(
            new, new_hidden, new_known, old, old_hidden, old_known, pairs, release.change
        )
        bounds_low = np.concatenate([new_known.low, old_known.low])
        bounds_high = np.concatenate([new_known.high, old_known.high])
        hidden = np.concatenate([new_hidden, old_hidden])
        values = np.concatenate([new.values, old.values])
        cells = np.flatnonzero(hidden)
        shown_before = _published_unchanged(new, old, pairs, old_hidden, old_known)
        # witnesses clear most cells without an LP of their own; the paired cells of a small
        # change keep their exact intervals (the change's interval is built from them)
        exact = np.zeros(len(hidden), dtype=bool)
        changed_new, changed_old = small_pairs(new, old, pairs, wanted, totals, t)
        exact[changed_new] = True
        exact[new.size + changed_old] = True
        cleared = solver.cleared_by_witnesses(cells, t) & ~exact[cells]
        cells_checked += int(cleared.sum())
        cells = cells[~cleared]
        for i, found in zip(cells, solver.intervals(cells), strict=True):
            low, high = whole(found)
            bounds_low[i], bounds_high[i] = low, high
            value = int(values[i])
            rule = None
            if low >= high:
                rule = RECOVERED
            elif 1 <= value <= t - 1 and low >= 1 and high <= t - 1:
                rule = NARROWED
            if rule and i < new.size and shown_before[i]:
                published_before += 1
            elif rule and i < new.size and not new_primary[i]:
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
            if inside(
                interval := change_interval(
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
            shown = pinned_by_totals(
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
        published_before=published_before,
        shown_by_totals=by_totals,
    )


def _published_unchanged(
    new: LinkedCells,
    old: LinkedCells,
    pairs: tuple[np.ndarray, np.ndarray],
    old_hidden: np.ndarray,
    old_known: KnownBounds,
) -> np.ndarray:
    """Per unique cell of the new release: whether its paired cell of the earlier release
    was published exactly (not suppressed, not rounded) with the value it has now."""
    new_cells, old_cells = pairs
    shown = np.zeros(new.size, dtype=bool)
    exact = ~old_hidden[old_cells] & (
        np.asarray(old_known.low)[old_cells] == np.asarray(old_known.high)[old_cells]
    )
    same = old.values[old_cells] == new.values[new_cells]
    shown[new_cells[exact & same]] = True
    return shown
