"""Dropping useless secondary suppressions.

A secondary cell whose value the attacker can already derive exactly protects nothing:
publishing it reveals no more than the published cells and relations already do, so the
attacker's feasible set (and every other cell's interval) is unchanged. Keeping it hidden would
only fail the audit rule "no suppressed cell is recovered exactly" (Hundepool et al., 2012,
section 4.3.4 on auditing; tau-ARGUS manual, "audit"). The intervals come from the audit's own
LPs (one per group of suppressed cells sharing relations, :mod:`disclosure.intervals`); a cell
any LP solution already moves is not exact and needs no LP of its own.
Method note: ``docs/methods/audit.md``.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from disclosure.intervals import IntervalSolver
from disclosure.levels import KnownBounds


def exactly_derivable(
    relations: sp.csr_matrix,
    values: np.ndarray,
    pattern: np.ndarray,
    cells: np.ndarray,
    known: KnownBounds | None = None,
) -> np.ndarray:
    """Which of ``cells`` (suppressed under ``pattern``) the attacker pins to one value, with
    suppressed cells only bounded below by 0 (the audit's LP, Hundepool et al. 2012, 4.3.4)."""
    solver = IntervalSolver(relations, values, pattern, known or KnownBounds.exact(values))
    return np.array([solver.is_exact(int(cell)) for cell in cells], dtype=bool)


def drop_derivable_secondaries(
    relations: sp.csr_matrix,
    values: np.ndarray,
    pattern: np.ndarray,
    primary: np.ndarray,
    known: KnownBounds | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """The pattern without exactly derivable secondary cells, and the cells dropped. Publishing
    all of them at once is safe: none changes the attacker's feasible set (an exactly
    derivable cell protects nothing: Hundepool et al., 2012, 4.3.4; tau-ARGUS manual,
    "audit")."""
    secondaries = np.flatnonzero(pattern & ~primary)
    if len(secondaries) == 0:
        return pattern.copy(), secondaries
    exact = exactly_derivable(relations, values, pattern, secondaries, known)
    dropped = secondaries[exact]
    cleaned = pattern.copy()
    cleaned[dropped] = False
    return cleaned, dropped
