"""Protecting a release against its earlier releases: the difference rule, then the earlier
patterns where the two releases together would still disclose.

1. The difference rule (:mod:`disclosure.over_time.difference_rule`) makes the changes of a
   few pupils primary with levels relative to the earlier release, and the engine protects
   them with everything else in one linked problem (:func:`disclosure.protection.protect`).
2. The joint audit (:mod:`disclosure.over_time.joint_audit`) checks both releases together.
   Where a cell suppressed in an earlier release, or in this one, is recovered from the pair,
   the two patterns differ where the population did not change: an attacker reads off one
   release what the other hides. Then every cell of this release that an earlier release
   suppressed is suppressed too (requested, "request" status in tau-ARGUS terms; Hundepool
   et al., 2012, 4.4 on keeping linked publications consistent), the engine protects again
   and the joint audit runs again.

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
    audit's report, the difference rule's cells and whether the earlier patterns had to be
    carried forward (Hundepool et al., 2012, 4.4 linked tables over time)."""

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


def change_patterns(
    tables: Sequence[Table],
    protection: Protection,
    profile: Profile,
    earlier: Sequence[EarlierRelease],
    attributes: Mapping[str, Sequence[str]],
) -> dict[str, np.ndarray]:
    """Per table, cells to suppress so that the table of changes since each earlier release
    known to be removals (or additions) only is itself protected.

    After removals only, ``r = b - a`` counts the pupils removed from each cell: a count table
    with the same additive relations, known to the attacker where both releases publish the
    cell. Its attribute cells of ``1..t-1`` pupils get the threshold rule's either-side levels
    and the engine protects it like any count table (Hundepool et al., 2012, 4.2.1 and 4.3),
    with the cells either release already hides given as suppressed. Where its pattern hides a
    cell, this release hides it too (a published earlier cell stays as published)."""
    wanted = {a for names in attributes.values() for a in names}
    plain = Profile(name=f"{profile.name}-changes", threshold=1, symbol=profile.symbol)
    extra = {t.name: np.zeros(t.size, dtype=bool) for t in tables}
    current = {t.name: pattern_mask(t, protection.tables[t.name]) for t in tables}
    for release in earlier:
        if release.change == "any":
            continue
        old_tables = {t.name: t for t in release.tables}
        old_frames = getattr(release.suppressed, "tables", release.suppressed)
        changes, requested, required = [], {}, {}
        for table in tables:
            old = old_tables.get(table.name)
            if old is None or [d.codes for d in old.dimensions] != [
                d.codes for d in table.dimensions
            ]:
                continue
            sign = 1 if release.change == "removals" else -1
            counts = sign * (old.values - table.values)
            change = Table(table.name, table.dimensions, counts)
            changes.append(change)
            requested[table.name] = current[table.name] | pattern_mask(old, old_frames[old.name])
            small = (counts.ravel() >= 1) & (counts.ravel() <= profile.threshold - 1)
            attribute = np.array(
                [
                    any(
                        dim in wanted and code != totals for dim, code, totals in _coded(row, table)
                    )
                    for row in change.cells.iter_rows(named=True)
                ],
                dtype=bool,
            )
            rows = np.flatnonzero(small & attribute)
            if len(rows):
                r = counts.ravel()[rows].astype(np.float64)
                names = [d.name for d in table.dimensions]
                required[table.name] = change.cells.select(names)[rows].with_columns(
                    pl.Series("alt_upper", profile.threshold - r), pl.Series("alt_lower", r)
                )
        if not required:
            continue
        protected = protect(changes, plain, requested=requested, required=required)
        for change in changes:
            hidden = pattern_mask(change, protected.tables[change.name])
            extra[change.name] |= hidden & ~current[change.name]
    return extra


def _coded(row: Mapping[str, Any], table: Table) -> list[tuple[str, str, str]]:
    """(dimension, code, the dimension's total) for each dimension of a cell."""
    return [(d.name, str(row[d.name]), d.total) for d in table.dimensions]


ROUNDS = 3
"""Rounds of protection and joint audit before a release is given up (each round only adds
suppressed cells, so the last is the most protected)."""


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
    asked = given
    carried = False
    for round_ in range(ROUNDS):
        protection = protect(tables, profile, requested=asked, required=required, **options)
        kept = {t.name: asked[t.name] & ~given[t.name] for t in tables}
        report = joint_audit(tables, protection, profile, earlier, attributes, kept=kept)
        if report.passed or not earlier:
            break
        current = {t.name: pattern_mask(t, protection.tables[t.name]) for t in tables}
        more = change_patterns(tables, protection, profile, earlier, attributes)
        if round_ >= 1:
            carried = True
            more = _merged(more, earlier_patterns(tables, earlier), tables)
        asked = _merged(_merged(asked, current, tables), more, tables)
    if report.passed and report.recoverable_cells:
        protection, report = _published_again(
            tables, protection, profile, earlier, attributes, required, kept, report
        )
    return ProtectionOverTime(protection, report, required, carried_forward=carried)


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
