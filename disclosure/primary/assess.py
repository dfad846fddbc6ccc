"""Primary suppression over linked tables: every rule the profile enables, combined per cell.

Each rule (one module each in :mod:`disclosure.primary`) marks cells of one table with a reason
and protection levels. A cell shared by several tables (:mod:`disclosure.linking`) is primary if
any rule marks it in any table; its levels are the largest asked on each side (upper, lower,
sliding), so every requirement holds at once (Fischetti and Salazar, JASA 2000; Hundepool et
al., 2012, section 4.2.2 "protection levels"; tau-ARGUS manual, "primary suppression",
"request"). Its reason is the first rule that marks it in this order: ``freq``, ``zero``,
``nk``, ``p``, ``rate``, ``group``; ``request`` for a cell only the caller asked to suppress
(sliding level 1: it must at least not be recovered exactly).

Usage, e.g. a school performance table (count table, attribute dimension ``outcome``)::

    outcome = Dimension.flat("outcome", ["reached", "not_reached"])
    table = Table.from_microdata(
        "ks2_rwm", pupils, [geography, group, outcome], attribute="outcome"
    )
    profile = Profile("dfe", threshold=3, group_attribute_max_total=10, min_denominator=6)
    reasons, levels = assess_primary([table], link_tables([table]), profile)
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
import polars as pl

from disclosure.levels import ProtectionLevels
from disclosure.linking import LinkedCells, link_tables
from disclosure.patterns import pattern_mask
from disclosure.primary.dominance import dominance_cells
from disclosure.primary.frequency import FREQ, ZERO, frequency_cells
from disclosure.primary.group_attribute import group_attribute_cells
from disclosure.primary.p_percent import p_percent_cells
from disclosure.primary.rates import rate_cells
from disclosure.primary.requirements import RuleCells
from disclosure.profile import Profile
from disclosure.table import Table

REQUESTED = "request"
DIFFERENCE = "difference"
"""Reason of a cell the difference rule makes primary: with an earlier release of the same
population its change would tell the attacker something of a few pupils
(:mod:`disclosure.over_time.difference_rule`)."""
"""Reason code of a cell the caller asked to suppress (tau-ARGUS "request" status)."""

Rule = Callable[[Table, Profile], RuleCells | list[RuleCells]]
RULES: tuple[Rule, ...] = (
    frequency_cells,
    dominance_cells,
    p_percent_cells,
    rate_cells,
    group_attribute_cells,
)
"""Every primary rule, in reason priority order."""


def table_rule_cells(table: Table, profile: Profile) -> list[RuleCells]:
    """Every rule's marked cells of one table, in reason priority order (module docstring;
    Hundepool et al., 2012, 4.2.1 and 5.2)."""
    found: list[RuleCells] = []
    for rule in RULES:
        result = rule(table, profile)
        found.extend(result if isinstance(result, list) else [result])
    return found


def assess_primary(
    tables: Sequence[Table],
    linked: LinkedCells,
    profile: Profile,
    requested: Mapping[str, Any] | None = None,
    *,
    count_frequency_levels: bool = True,
    required: Mapping[str, pl.DataFrame] | None = None,
) -> tuple[np.ndarray, ProtectionLevels]:
    """Per unique cell of ``linked`` (``link_tables(tables)``) the primary reason (None when
    safe) and the protection levels of every rule the profile enables, plus the cells
    ``requested`` per table (a boolean mask aligned with ``table.cells`` or a frame with a
    ``suppressed`` or ``status`` column; tau-ARGUS "request", sliding level 1).

    ``count_frequency_levels=False`` leaves the minimum frequency rule's levels out for count
    cells (they stay primary): the audit checks those as "not exact, not inside 1..t-1".
    ``required``: per table, cells with protection levels of their own (a frame of dimension
    codes and any of ``upper``, ``lower``, ``alt_upper``, ``alt_lower``, such as the difference
    rule's, :func:`disclosure.over_time.difference_requirements`); they become primary
    (reason ``difference`` unless a rule already made them primary) and their levels are
    added to the others (the larger of two levels on a side; Hundepool et al., 2012, 4.2.2)."""
    n = linked.size
    reasons = np.full(n, None, dtype=object)
    upper, lower, sliding = np.zeros(n), np.zeros(n), np.zeros(n)
    alt_upper, alt_lower = np.zeros(n), np.zeros(n)
    for table in tables:
        cell_of = linked.cell_of[table.name]
        for marked in table_rule_cells(table, profile):
            if not len(marked.cells):
                continue
            if (
                not count_frequency_levels
                and not table.is_magnitude
                and marked.reason
                in (
                    FREQ,
                    ZERO,
                )
            ):
                marked = RuleCells.with_levels(marked.reason, marked.cells)
            unique = cell_of[marked.cells]
            unset = np.equal(reasons[unique], None)
            reasons[unique[unset]] = marked.reason
            np.maximum.at(upper, unique, marked.upper)
            np.maximum.at(lower, unique, marked.lower)
            np.maximum.at(sliding, unique, marked.sliding)
            np.maximum.at(alt_upper, unique, marked.alt_upper)
            np.maximum.at(alt_lower, unique, marked.alt_lower)
    for name, frame in (required or {}).items():
        table = next((t for t in tables if t.name == name), None)
        if table is None:
            raise KeyError(f"levels required for unknown table {name!r}")
        rows, levels_of = required_rows(table, frame)
        unique = linked.cell_of[name][rows]
        reasons[unique[np.equal(reasons[unique], None)]] = DIFFERENCE
        for side, array in (
            ("upper", upper),
            ("lower", lower),
            ("alt_upper", alt_upper),
            ("alt_lower", alt_lower),
        ):
            np.maximum.at(array, unique, levels_of[side])
    primary = np.not_equal(reasons, None)
    levels = ProtectionLevels(primary, upper, lower, sliding, alt_upper, alt_lower)
    if requested:
        asked = requested_cells(tables, linked, requested) & ~primary
        reasons[asked] = REQUESTED
        levels = levels.with_requested(np.flatnonzero(asked))
    return reasons, levels


REQUIRED_LEVELS = ("upper", "lower", "alt_upper", "alt_lower")


def required_rows(table: Table, frame: pl.DataFrame) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """The rows of ``table.cells`` a frame of required levels names (joined on the dimension
    codes) and its levels per side, aligned with those rows (absent sides are 0): protection
    levels of Hundepool et al., 2012, 4.2.2 given per cell."""
    names = [d.name for d in table.dimensions]
    sides = [c for c in REQUIRED_LEVELS if c in frame.columns]
    keyed = frame.select(
        *[pl.col(n).cast(pl.Utf8) for n in names], *[pl.col(c).cast(pl.Float64) for c in sides]
    )
    joined = (
        table.cells.select(names)
        .with_row_index("__row")
        .join(keyed, on=names, how="inner", maintain_order="left")
    )
    if joined.height != keyed.height:
        raise KeyError(f"table {table.name!r}: required levels name cells it does not have")
    levels = {
        side: joined[side].to_numpy() if side in sides else np.zeros(joined.height)
        for side in REQUIRED_LEVELS
    }
    return joined["__row"].to_numpy().astype(np.int64), levels


def requested_cells(
    tables: Sequence[Table], linked: LinkedCells, requested: Mapping[str, Any]
) -> np.ndarray:
    """The unique cells some table's ``requested`` mask asks to suppress (tau-ARGUS "request"
    status, sdcTable's manual primaries)."""
    asked = np.zeros(linked.size, dtype=bool)
    by_name = {t.name: t for t in tables}
    for name, given in requested.items():
        if name not in by_name:
            raise KeyError(f"cells requested for unknown table {name!r}")
        mask = pattern_mask(by_name[name], given)
        asked[linked.cell_of[name][mask]] = True
    return asked


def primary_cells(table: Table, profile: Profile) -> pl.DataFrame:
    """The table's cells with ``status`` (``"primary"`` or ``"safe"``), ``reason``, ``upl``
    (the upper protection level), ``lpl`` and ``spl`` (lower and sliding) under every rule of
    ``profile``, and ``either`` (True when reaching the upper OR the lower level suffices, as
    for the minimum frequency rule; module docstring; Hundepool et al., 2012, 4.2)."""
    linked = link_tables([table])
    reasons, levels = assess_primary([table], linked, profile)
    cells = linked.cell_of[table.name]
    reasons = reasons[cells]
    return table.cells.with_columns(
        pl.Series("status", np.where(np.equal(reasons, None), "safe", "primary"), dtype=pl.Utf8),
        pl.Series("reason", reasons.tolist(), dtype=pl.Utf8),
        pl.Series("upl", _whole(np.maximum(levels.upper, levels.alt_upper)[cells])),
        pl.Series("lpl", _whole(np.maximum(levels.lower, levels.alt_lower)[cells])),
        pl.Series("spl", _whole(levels.sliding[cells])),
        pl.Series("either", levels.alternative[cells], dtype=pl.Boolean),
    )


def _whole(levels: np.ndarray) -> pl.Series:
    """Levels as whole numbers (they are whole units already: ``requirements.whole_units``)."""
    return pl.Series(levels.round().astype(np.int64), dtype=pl.Int64)
