"""Protecting a release against its earlier releases: the difference rule, then, where the
two releases together would still disclose, the breakdowns of the places that changed.

1. The difference rule (:mod:`disclosure.over_time.difference_rule`) makes the changes of a
   few pupils primary with levels relative to the earlier release, and the engine protects
   them with everything else in one linked problem (:func:`disclosure.protection.protect`).
   The joint audit (:mod:`disclosure.over_time.joint_audit`) checks both releases together.
   A change of at least the threshold in every cell it touches passes here, with no extra
   suppression.
2. Where it fails, the engine's model of one release did not see what the pair shows (that
   a change is never negative after removals, that an unchanged school's cells are the same
   in both). Then every cell an earlier release suppressed is suppressed again (requested,
   "request" status in tau-ARGUS terms; Hundepool et al., 2012, 4.4 on keeping linked
   publications consistent), and so is the breakdown by attributes of every place (school,
   phase, the LA) where some attribute cell changed: such a place shows only how many pupils
   it has, as the earlier release and the run's own summary of who was left out already
   say. The engine protects again and the joint audit runs again.

   Why this protects: after removals the attacker's knowledge of the change table is then
   what the earlier release and the change of each place's total give (the cells of
   unchanged places are unchanged and hidden where they were), which is the joint audit's
   baseline: what it still pins is pinned by the totals (a pupil who left a primary school
   was in key stage R-6), not by the pattern. The one-change example shows the breakdowns
   are needed: one pupil with FSM leaves school S; if the LA's FSM cells are published its
   change is -1, every other school's FSM change is 0 (their totals did not change), so the
   change at S is -1 whatever S hides.

The result says whether the joint audit passed; a release that fails it is not written.
Method note: ``docs/methods/releases-over-time.md``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import polars as pl

from disclosure.audit import audit
from disclosure.linking import link_tables
from disclosure.over_time.difference_rule import difference_requirements
from disclosure.over_time.earlier import EarlierRelease, paired_cells
from disclosure.over_time.joint_audit import JointAuditReport, joint_audit
from disclosure.patterns import SAFE, pattern_mask
from disclosure.profile import Profile
from disclosure.protected_tables import REASON, STATUS, Protection
from disclosure.protection import protect
from disclosure.published_cells import published_column
from disclosure.table import Table


@dataclass(frozen=True)
class ProtectionOverTime:
    """The protection of a release against earlier ones: the engine's protection, the joint
    audit's report, the difference rule's cells and whether step 2 (earlier patterns and
    the changed places' breakdowns) was needed (Hundepool et al., 2012, 4.4 linked tables
    over time)."""

    protection: Protection
    joint: JointAuditReport
    required: dict[str, Any]
    carried_forward: bool


def earlier_patterns(
    tables: Sequence[Table], earlier: Sequence[EarlierRelease]
) -> dict[str, np.ndarray]:
    """Per table, the cells some earlier release suppressed (by coordinates), as masks over
    ``table.cells``: requested in this release so that both patterns agree where both publish
    a cell (linked tables, Hundepool et al., 2012, 4.4)."""
    linked = link_tables(tables)
    carried = np.zeros(linked.size, dtype=bool)
    for release in earlier:
        old = release.linked()
        new_cells, old_cells = paired_cells(linked, old)
        hidden = release.hidden(old)
        carried[new_cells[hidden[old_cells]]] = True
    return {t.name: carried[linked.cell_of[t.name]] for t in tables}


def changed_breakdowns(
    tables: Sequence[Table],
    earlier: Sequence[EarlierRelease],
    attributes: Mapping[str, Sequence[str]],
) -> dict[str, np.ndarray]:
    """Per table, the attribute cells (below the total of some attribute dimension) of every
    place where some attribute cell changed since an earlier release; a place is a cell's
    codes on the table's other dimensions (school, geography, period). Step 2 of the
    module docstring: suppressed on request to keep linked publications consistent,
    Hundepool et al., 2012, 4.4."""
    masks: dict[str, np.ndarray] = {}
    for table in tables:
        wanted = set(attributes.get(table.name, ()))
        names = [d.name for d in table.dimensions]
        places = [n for n in names if n not in wanted]
        below = pl.any_horizontal(
            [pl.col(d.name) != d.total for d in table.dimensions if d.name in wanted] or [False]
        )
        cells = table.cells.select(*names).with_columns(below.alias("__attribute"))
        attribute = cells["__attribute"].to_numpy()
        changed = np.zeros(table.size, dtype=bool)
        for release in earlier:
            old = next((t for t in release.tables if t.name == table.name), None)
            if old is None or old.values.shape != table.values.shape:
                continue
            changed |= (old.values != table.values).ravel()
        moved = cells.filter(pl.Series(changed & attribute)).select(places).unique()
        if moved.height and places:
            hit = cells.join(
                moved.with_columns(pl.lit(True).alias("__moved")), on=places, how="left"
            )
            at_moved = hit["__moved"].fill_null(False).to_numpy()
        else:
            at_moved = np.full(table.size, bool(moved.height))
        masks[table.name] = at_moved & attribute
    return masks


def _merged(
    first: Mapping[str, Any] | None, second: Mapping[str, np.ndarray], tables: Sequence[Table]
) -> dict[str, Any]:
    """Two sets of requested masks, cell by cell (either asks)."""
    merged: dict[str, Any] = {}
    for table in tables:
        mask = second.get(table.name, np.zeros(table.size, dtype=bool))
        given = (first or {}).get(table.name)
        if given is not None:
            mask = mask | pattern_mask(table, given)
        merged[table.name] = mask
    return merged


def protect_over_time(
    tables: Sequence[Table],
    profile: Profile,
    earlier: Sequence[EarlierRelease],
    attributes: Mapping[str, Sequence[str]],
    requested: Mapping[str, Any] | None = None,
    **options: Any,
) -> ProtectionOverTime:
    """Protect ``tables`` under ``profile`` against ``earlier`` releases (module docstring).
    ``requested`` masks (aligned with each table's cells) and ``options`` go to
    :func:`disclosure.protection.protect`; ``attributes``: per table, its attribute
    dimensions. Linked tables over time, Hundepool et al., 2012, 4.4."""
    required = difference_requirements(tables, earlier, profile, attributes)
    given = _merged(requested, {}, tables)
    protection = protect(tables, profile, requested=given, required=required, **options)
    kept = {t.name: np.zeros(t.size, dtype=bool) for t in tables}
    report = joint_audit(tables, protection, profile, earlier, attributes, kept=kept)
    carried = False
    if earlier and not report.passed:
        carried = True
        more = _merged(
            earlier_patterns(tables, earlier),
            changed_breakdowns(tables, earlier, attributes),
            tables,
        )
        asked = _merged(given, more, tables)
        protection = protect(tables, profile, requested=asked, required=required, **options)
        kept = {t.name: asked[t.name] & ~given[t.name] for t in tables}
        report = joint_audit(tables, protection, profile, earlier, attributes, kept=kept)
    if report.passed and report.recoverable_cells:
        protection, report = _published_again(
            tables, protection, profile, earlier, attributes, required, kept, report
        )
    return ProtectionOverTime(protection, report, required, carried_forward=carried)


ROUNDS = 3
"""Rounds of publishing again the secondaries the pair gives away (each only shows cells)."""


def _published_again(
    tables: Sequence[Table],
    protection: Protection,
    profile: Profile,
    earlier: Sequence[EarlierRelease],
    attributes: Mapping[str, Sequence[str]],
    required: Mapping[str, pl.DataFrame],
    kept: Mapping[str, np.ndarray],
    report: JointAuditReport,
) -> tuple[Protection, JointAuditReport]:
    """Publish the secondary cells the pair gives away exactly (hiding them protects nothing),
    as the engine's finishing pass does within one release (Hundepool et al., 2012, 4.3.4),
    while the release's own audit and the joint audit still pass; else keep the pattern."""
    linked = link_tables(tables)
    for _ in range(ROUNDS):
        frames = {}
        for table in tables:
            frame = protection.tables[table.name]
            shown = pl.Series(np.isin(linked.cell_of[table.name], report.recoverable_cells))
            hidden = pattern_mask(table, frame) & ~shown.to_numpy()
            frames[table.name] = frame.with_columns(
                pl.when(shown).then(pl.lit(SAFE)).otherwise(pl.col(STATUS)).alias(STATUS),
                pl.when(shown).then(None).otherwise(pl.col(REASON)).alias(REASON),
                published_column(table, hidden, profile),
            )
        candidate = replace(protection, tables=frames)
        own = audit(tables, candidate, profile, required=required)
        joint = joint_audit(tables, candidate, profile, earlier, attributes, kept=kept)
        if not (own.passed and joint.passed):
            break
        protection, report = replace(candidate, audit=own), joint
        if not joint.recoverable_cells:
            break
    return protection, report
