"""Protecting the health tables together: fast under NHS England's rounding rule, audited as one.

The health tables are the local authority table (school year x sex x weight category) and
breakdowns of it, each with one more dimension in front (ward, IDACI quintile, ethnic group,
school) whose total slice is the LA table itself (``pipeline.releases.ccg_health.tables``). They are
linked: protection must hold against differencing across all of them.

Under a profile that publishes exact counts (DfE-style) the linked problem goes to
``disclosure.protect`` as a whole: differences between published exact counts recover a
suppressed one, so only a method that sees every relation at once protects it. The LP
heuristic is used (one cheapest-path LP per primary cell over all relations: Hundepool et al.,
2012, 4.3.3); the optimal method's size guard would otherwise send a problem this size to the
modular method, whose subtable MILPs took 110 s on the 48,000-pupil borough's four tables.

Under a rounding profile (NHS: every published count rounded to 5, so an attacker knows each
published cell only within +-2 and a difference of k published cells only within +-2k) the
linked problem is split:

* the LA table and the breakdowns with few codes (at most :data:`JOINT_MAX_CODES`: IDACI
  quintiles, ethnic groups) are protected together by ``disclosure.protect`` with the LP
  heuristic;
* each remaining breakdown (wards, schools) is protected one slice at a time: the slice of one
  ward is a school year x sex x category table of its own (72 cells), protected by
  ``disclosure.protect`` (optimal, Fischetti-Salazar, at that size); its total slice takes the
  LA table's pattern.

The relations the split leaves out are those that sum a cell over the breakdown's codes (the
wards of one category, school year and sex add up to the LA's). They are not dropped from the
check: the pattern of every table is audited over ALL relations of ALL tables together
(``disclosure.audit`` with the profile's protection levels: no suppressed cell recovered
exactly, none narrowed inside 1..7, every primary cell's upper protection level reached). A
breakdown whose cells fail that audit is moved into the jointly protected group and the whole
is protected and audited again, so the result either passes the full audit or is what the
linked heuristic gives on everything. Everything is deterministic: the same tables give the
same pattern.

Measured on the 48,000-pupil synthetic borough (LA, ward, IDACI, ethnicity; 2,736 unique cells,
about 500 primary): ``disclosure.protect`` with the default method did not finish in 15
minutes (the size guard sends it to the modular method, whose repair runs the heuristic on
the full problem), the LP heuristic on LA + ward alone took 34 s; the split takes about 5 s
and its audit over all tables about 10 s.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import polars as pl

from disclosure import Profile, Protection, Table, assess_primary, audit, link_tables, protect
from pipeline.releases.over_time import refuse_rounded_revision
from pipeline.releases.spec import Counted, Options, Protected

JOINT_MAX_CODES = 12
"""A breakdown with at most this many codes (its total included) is protected jointly with
the LA table; one with more is protected slice by slice (rounding profiles only)."""

SUPPRESSED = ("primary", "secondary")


@dataclass(frozen=True)
class Layout:
    """The LA table and the breakdowns of it (each with its breakdown dimension first)."""

    base: Table
    breakdowns: tuple[Table, ...]


def layout(tables: Sequence[Table]) -> Layout:
    """Find the LA table (no breakdown) and check every other table is a breakdown of it: the
    same dimensions after its first, and its total slice equal to the LA table."""
    depth = min(len(t.dimensions) for t in tables)
    bases = [t for t in tables if len(t.dimensions) == depth]
    if len(bases) != 1:
        raise ValueError("the health tables need exactly one table without a breakdown")
    base = bases[0]
    breakdowns = tuple(t for t in tables if t is not base)
    for table in breakdowns:
        if table.dimensions[1:] != base.dimensions:
            raise ValueError(f"table {table.name!r} is not a breakdown of {base.name!r}")
        first = table.dimensions[0]
        if not np.array_equal(table.values[first.position[first.total]], base.values):
            raise ValueError(f"table {table.name!r}: its total slice differs from {base.name!r}")
    return Layout(base, breakdowns)


def protect_health_tables(
    tables: Sequence[Table], profile: Profile, joint_max_codes: int = JOINT_MAX_CODES
) -> Protection:
    """Protect the linked health tables (module docstring); the result's audit covers every
    table together, with the profile's protection levels."""
    tables = list(tables)
    if profile.rounding_base is None:
        return protect(tables, profile, method="heuristic")
    shape = layout(tables)
    sliced = [t for t in shape.breakdowns if len(t.dimensions[0].codes) > joint_max_codes]
    notes: list[str] = []
    while True:
        protection = _split_protection(tables, shape, sliced, profile, notes)
        failing = {name for failure in protection.audit.failures for name in failure.tables}
        moved = [t for t in sliced if t.name in failing]
        if protection.audit.passed or not moved:
            return protection
        notes.append(
            "the full audit failed in "
            + ", ".join(t.name for t in moved)
            + ": protected jointly with the LA table instead of slice by slice"
        )
        sliced = [t for t in sliced if t not in moved]


def _split_protection(
    tables: list[Table],
    shape: Layout,
    sliced: list[Table],
    profile: Profile,
    notes: list[str],
) -> Protection:
    """The joint group's protection, every sliced table protected slice by slice, and the
    audit of all of them together."""
    joint = [t for t in tables if t not in sliced]
    together = protect(joint, profile, method="heuristic")
    frames = dict(together.tables)
    base_frame = frames[shape.base.name]
    slices = 0
    for table in sliced:
        frames[table.name], count = _sliced_frame(table, base_frame, profile)
        slices += count
    linked = link_tables(tables)
    _, levels = assess_primary(tables, linked, profile)
    report = audit(tables, frames, profile, levels=levels)
    method = "heuristic"
    if sliced:
        method = (
            f"heuristic ({', '.join(t.name for t in joint)} together); optimal slice by slice "
            f"({', '.join(t.name for t in sliced)})"
        )
    return Protection(
        tables={t.name: frames[t.name] for t in tables},
        audit=report,
        profile=profile,
        method=method,
        cost_function=together.cost_function,
        proven_optimal=False,
        notes=(*together.notes, *notes),
        stats={
            "unique_cells": linked.size,
            "relations": linked.relations.shape[0],
            "jointly_protected": [t.name for t in joint],
            "protected_by_slice": [t.name for t in sliced],
            "slices": slices,
        },
        levels=levels,
    )


def _sliced_frame(
    table: Table, base_frame: pl.DataFrame, profile: Profile
) -> tuple[pl.DataFrame, int]:
    """``table``'s cells with status, reason and published text, each slice of its first
    dimension protected on its own (the total slice copied from the LA table's frame); and
    the number of slices protected."""
    breakdown = table.dimensions[0]
    rest = table.dimensions[1:]
    keys = [d.name for d in rest]
    outcome = ["status", "reason", "published"]
    parts = [
        base_frame.select(*keys, *outcome).with_columns(
            pl.lit(breakdown.total).alias(breakdown.name)
        )
    ]
    protected = 0
    for code in breakdown.codes:
        if code == breakdown.total:
            continue
        part = Table(f"{table.name}[{code}]", rest, table.values[breakdown.position[code]])
        frame = protect([part], profile).tables[part.name]
        parts.append(frame.select(*keys, *outcome).with_columns(pl.lit(code).alias(breakdown.name)))
        protected += 1
    stacked = pl.concat(parts, how="diagonal")
    names = [d.name for d in table.dimensions]
    frame = table.cells.join(stacked, on=names, how="left", maintain_order="left")
    if frame["status"].null_count():
        raise RuntimeError(f"table {table.name!r}: a slice left cells without a status")
    return frame, protected


def suppressed_mask(frame: pl.DataFrame) -> np.ndarray:
    """Which cells of a protected frame are suppressed (primary or secondary)."""
    return frame["status"].is_in(SUPPRESSED).to_numpy()


def protect_tables(counted: Counted, profile: Profile, options: Options) -> Protected:
    """The health tables protected (:func:`protect_health_tables`); its audit is the
    attacker's audit over all tables together. A re-issue whose counts changed since the
    ledger's earlier release of the period is refused under a rounding profile
    (``pipeline.releases.over_time.refuse_rounded_revision``)."""
    refuse_rounded_revision(counted.detail.tables, profile, counted.history)
    protection = protect_health_tables(counted.detail.tables, profile)
    return Protected(
        protection=protection,
        audit=protection.audit,
        summaries=protection.summary(),
        method=protection.method,
    )
