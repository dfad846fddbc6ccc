"""The p% rule for magnitude tables.

The second largest contributor of a cell can estimate the largest one's contribution as the
cell's sum minus its own, ``X - x_2``; that estimate exceeds ``x_1`` by ``X - x_1 - x_2``, the
other contributions. The cell is sensitive when this margin is less than ``p`` percent of
``x_1``,

    X - x_1 - x_2 < (p / 100) x_1,

(Hundepool et al., *Statistical Disclosure Control*, 2012, section 4.2.1, "sensitivity rules";
tau-ARGUS manual, "p% rule", P(p)). A cell with a single contributor is always sensitive.

Protection level (Hundepool et al., 2012, section 4.2.2, table "upper protection levels" and example
5; tau-ARGUS manual, "protection levels"): the attacker's upper bound must be at least ``X + L``
with ``X + L - x_1 - x_2 >= (p / 100) x_1``, so

    L = (p / 100) x_1 - (X - x_1 - x_2).

Hundepool et al.'s examples (4.2.1), p = 10: X = 100,000 with x_1 = 50,000, x_2 = 49,000 is
sensitive (1,000 < 5,000; ``L = 4,000``) although the (1, 90) rule finds it safe; X = 110,000 with
x_1 = 52,000, x_2 = 50,000 is safe (8,000 >= 5,200). ``L`` becomes upper, lower or sliding levels by
the profile's protection mode (:mod:`disclosure.primary.requirements`).
Method note: ``docs/methods/p-percent.md``.
"""

from __future__ import annotations

import numpy as np

from disclosure.errors import TableError
from disclosure.primary.requirements import RuleCells
from disclosure.profile import Profile
from disclosure.table import Table

P_PERCENT = "p"
"""Reason code: the largest contribution can be estimated within p percent."""


def _margin(totals: np.ndarray, largest: np.ndarray, p: float) -> np.ndarray:
    """``(p / 100) x_1 - (X - x_1 - x_2)``: by how much the second largest contributor's
    estimate of ``x_1`` falls short of the p% margin (positive = sensitive)."""
    totals = np.asarray(totals, dtype=np.float64)
    top = np.asarray(largest, dtype=np.float64)
    x1, x2 = top[..., 0], top[..., 1]
    return p / 100.0 * x1 - (totals - x1 - x2)


def p_percent_sensitive(totals: np.ndarray, largest: np.ndarray, p: float) -> np.ndarray:
    """Cells failing the p% rule, ``X - x_1 - x_2 < (p / 100) x_1`` (Hundepool et al., 2012,
    4.2.1); ``largest[..., 0]`` and ``[..., 1]`` are the two largest contributions."""
    return _margin(totals, largest, p) > 1e-9


def p_percent_levels(totals: np.ndarray, largest: np.ndarray, p: float) -> np.ndarray:
    """The p% rule's required protection ``(p / 100) x_1 - (X - x_1 - x_2)`` per cell (0 for
    safe cells; Hundepool et al., 2012, 4.2.2; tau-ARGUS manual)."""
    return np.maximum(_margin(totals, largest, p), 0.0)


def p_percent_cells(table: Table, profile: Profile) -> RuleCells:
    """The cells of a magnitude table the profile's p% rule marks, with their protection
    levels (module docstring; Hundepool et al., 2012, 4.2.1-4.2.2; tau-ARGUS P rule); none for count
    tables or when the rule is off."""
    p = profile.p_percent
    if p is None or table.largest is None:
        return RuleCells.none(P_PERCENT)
    if table.largest.shape[-1] < 2:
        raise TableError(
            f"table {table.name!r} carries only its largest contribution; the p% rule needs "
            "the two largest (build it with largest=2)"
        )
    totals = table.values.ravel()
    largest = table.largest.reshape(totals.size, -1)
    cells = np.flatnonzero(p_percent_sensitive(totals, largest, p))
    required = p_percent_levels(totals[cells], largest[cells], p)
    return RuleCells.directed(P_PERCENT, cells, required, totals[cells], profile.protection)
