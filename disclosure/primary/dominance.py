"""The (n,k)-dominance rule for magnitude tables.

A cell with sum ``X`` whose ``n`` largest contributions ``x_1 >= ... >= x_n`` make up more than
``k`` percent of it, ``x_1 + ... + x_n > (k / 100) X``, is sensitive: the cell's value is close
to the total of a few units, so publishing it tells each of them much about the others
(Hundepool et al., *Statistical Disclosure Control*, 2012, section 4.2.1 "sensitivity rules",
"concentration rules"; tau-ARGUS manual, "dominance rule", NK(n,k)).

Protection level (Hundepool et al., 2012, section 4.2.2, table "upper protection levels"; tau-ARGUS
manual, "protection levels"): the attacker's upper bound must reach a value ``X + L`` at which the
cell would no longer be dominated, ``x_1 + ... + x_n <= (k / 100) (X + L)``, so

    L = (100 / k) (x_1 + ... + x_n) - X.

``L`` is turned into upper, lower or sliding levels by the profile's protection mode
(:mod:`disclosure.primary.requirements`). Hundepool et al.'s example 4 (4.2.2): X = 330 with
contributions 300, 20, 10 fails the (1, 85) rule (300 > 280.5) and needs
``L = 100 / 85 * 300 - 330 = 22.94``, rounded up to 23.
Method note: ``docs/methods/dominance.md``.
"""

from __future__ import annotations

import numpy as np

from disclosure.errors import TableError
from disclosure.primary.requirements import RuleCells
from disclosure.profile import Profile
from disclosure.table import Table

DOMINANCE = "nk"
"""Reason code: a cell dominated by its n largest contributions."""


def dominance_sensitive(totals: np.ndarray, largest: np.ndarray, n: int, k: float) -> np.ndarray:
    """Cells failing the (n,k)-dominance rule (Hundepool et al., 2012, 4.2.1): the ``n``
    largest contributions (``largest[..., :n]``, largest first) exceed ``k`` percent of the
    cell's sum ``totals``; empty cells are safe."""
    totals = np.asarray(totals, dtype=np.float64)
    top = np.asarray(largest, dtype=np.float64)[..., :n].sum(axis=-1)
    return (totals > 0) & (top * 100.0 > k * totals)


def dominance_levels(totals: np.ndarray, largest: np.ndarray, n: int, k: float) -> np.ndarray:
    """The (n,k) rule's required protection ``(100 / k) (x_1 + ... + x_n) - X`` per cell (0 for
    safe cells; Hundepool et al., 2012, 4.2.2; tau-ARGUS manual)."""
    totals = np.asarray(totals, dtype=np.float64)
    top = np.asarray(largest, dtype=np.float64)[..., :n].sum(axis=-1)
    return np.maximum(top * 100.0 / k - totals, 0.0)


def dominance_cells(table: Table, profile: Profile) -> RuleCells:
    """The cells of a magnitude table the profile's (n,k)-dominance rule marks, with their
    protection levels (module docstring; Hundepool et al., 2012, 4.2.1-4.2.2; tau-ARGUS NK rule);
    none for count tables or when the rule is off."""
    n, k = profile.dominance_n, profile.dominance_k
    if n is None or k is None or table.largest is None:
        return RuleCells.none(DOMINANCE)
    if table.largest.shape[-1] < n:
        raise TableError(
            f"table {table.name!r} carries its {table.largest.shape[-1]} largest contributions; "
            f"the ({n}, {k:g}) dominance rule needs {n} (build it with largest={n})"
        )
    totals = table.values.ravel()
    largest = table.largest.reshape(totals.size, -1)
    cells = np.flatnonzero(dominance_sensitive(totals, largest, n, k))
    required = dominance_levels(totals[cells], largest[cells], n, k)
    return RuleCells.directed(DOMINANCE, cells, required, totals[cells], profile.protection)
