"""The difference rule: a change of a few pupils in an attribute cell is a small count.

Two releases of the same population give a table of differences ``d = a - b`` (new true value
``a``, earlier ``b``). Where only a few pupils changed, ``d`` is a count of those pupils, and the
threshold rule applies to it as to any count (Hundepool et al., 2012, 4.2.1): a cell below the
total of some attribute dimension (FSM, SEN, sex, outcome, ...) whose ``|d|`` is in
``1..t-1`` must not be narrowed by an attacker who knows the earlier release as published to
an interval inside ``1..t-1`` (or ``-(t-1)..-1``). A cell whose change is 0 or at least ``t``,
and a cell at the total of every attribute dimension (how many pupils changed in a school),
is free.

The requirement becomes protection levels of the NEW cell (Fischetti and Salazar's levels,
Hundepool et al., 2012, 4.2.2), relative to what the attacker knows of ``b``: its published
value, or the interval ``[Lb, Ub]`` its own release leaves when it was suppressed. With the
attacker's interval ``[La, Ua]`` of ``a``, the difference lies in ``[La - Ub, Ua - Lb]``, so

- ``d > 0``: reach ``0`` (``La <= Ub``: lower level ``a - Ub``) or ``t`` (``Ua >= Lb + t``:
  upper level ``Lb + t - a``);
- ``d < 0``: reach ``0`` (``Ua >= Lb``: upper level ``Lb - a``) or ``-t`` (``La <= Ub - t``:
  lower level ``a - Ub + t``; impossible when ``Ub < t``, then the upper level alone).

Either side suffices (alternative levels, as the threshold rule's); a level of 0 or less on a
side means the earlier release already leaves that side open and the cell is free. The cells
become primary with these levels in the same linked protection
(:func:`disclosure.protection.protect`, ``required=``), so the engine chooses the secondaries.
Method note: ``docs/methods/releases-over-time.md``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import polars as pl

from disclosure.linking import link_tables
from disclosure.over_time.earlier import EarlierRelease, attribute_cells, paired_cells
from disclosure.profile import Profile
from disclosure.table import Table


def small_changes(
    new_values: np.ndarray, old_values: np.ndarray, attribute: np.ndarray, threshold: int
) -> np.ndarray:
    """Paired attribute cells whose change is ``1..t-1`` pupils either way (the threshold
    rule, Hundepool et al., 2012, 4.2.1, applied to the difference table)."""
    change = np.abs(new_values - old_values)
    return attribute & (change >= 1) & (change <= threshold - 1)


def difference_levels(
    a: np.ndarray, b_low: np.ndarray, b_high: np.ndarray, d: np.ndarray, threshold: int
) -> dict[str, np.ndarray]:
    """Upper, lower and alternative levels of new cells ``a`` whose change ``d`` is small,
    given what the attacker knows of the earlier cells, ``[b_low, b_high]`` (module
    docstring; Fischetti and Salazar's levels, Hundepool et al., 2012, 4.2.2)."""
    t = float(threshold)
    up = np.where(d > 0, b_low + t - a, b_low - a)
    down = np.where(d > 0, a - b_high, a - b_high + t)
    down_possible = down <= a  # the attacker's interval cannot go below 0
    both = (up > 0) & (down > 0) & down_possible
    only_up = (up > 0) & (down > 0) & ~down_possible
    zero = np.zeros(len(a))
    return {
        "upper": np.where(only_up, up, zero),
        "lower": zero.copy(),
        "alt_upper": np.where(both, up, zero),
        "alt_lower": np.where(both, down, zero),
    }


def difference_requirements(
    tables: Sequence[Table],
    earlier: Sequence[EarlierRelease],
    profile: Profile,
    attributes: Mapping[str, Sequence[str]],
) -> dict[str, pl.DataFrame]:
    """Per table of the new release, the cells the difference rule makes primary, with their
    levels: a frame of dimension codes and ``upper``, ``lower``, ``alt_upper``, ``alt_lower``,
    for :func:`disclosure.protection.protect` and :func:`disclosure.audit.audit`
    (``required=``). ``attributes``: per table name, its attribute dimensions. Tables with no
    such cell are left out (the threshold rule on the difference table, Hundepool et al.,
    2012, 4.2.1, with levels of 4.2.2; module docstring)."""
    linked = link_tables(tables)
    totals = {d.name: d.total for t in tables for d in t.dimensions}
    dims_of = {d.name for t in tables for d in t.dimensions}
    wanted = sorted({a for names in attributes.values() for a in names} & dims_of)
    n = linked.size
    levels = {side: np.zeros(n) for side in ("upper", "lower", "alt_upper", "alt_lower")}
    for release in earlier:
        old = release.linked()
        new_cells, old_cells = paired_cells(linked, old)
        if not len(new_cells):
            continue
        a = linked.values[new_cells].astype(np.float64)
        b = old.values[old_cells].astype(np.float64)
        attribute = attribute_cells(linked, new_cells, wanted, totals)
        small = small_changes(a, b, attribute, profile.threshold)
        if not small.any():
            continue
        b_low, b_high = release.known_bounds(old)
        cells = new_cells[small]
        found = difference_levels(
            a[small],
            b_low[old_cells[small]],
            b_high[old_cells[small]],
            (a - b)[small],
            profile.threshold,
        )
        for side, array in levels.items():
            np.maximum.at(array, cells, found[side])
    needed = np.zeros(n, dtype=bool)
    for array in levels.values():
        needed |= array > 0
    required: dict[str, pl.DataFrame] = {}
    for table in tables:
        rows = np.flatnonzero(needed[linked.cell_of[table.name]])
        if not len(rows):
            continue
        unique = linked.cell_of[table.name][rows]
        names = [d.name for d in table.dimensions]
        required[table.name] = table.cells.select(names)[rows].with_columns(
            pl.Series(side, array[unique]) for side, array in levels.items()
        )
    return required
