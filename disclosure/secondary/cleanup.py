"""Dropping useless secondary suppressions.

A secondary cell whose value the attacker can already derive exactly protects nothing:
publishing it reveals no more than the published cells and relations already do, so the
attacker's feasible set (and every other cell's interval) is unchanged. Keeping it hidden would
only fail the audit rule "no suppressed cell is recovered exactly" (Hundepool et al., 2012,
section 4.3.4 on auditing; tau-ARGUS manual, "audit").
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from disclosure.secondary.attacker import INFINITY, TOLERANCE, AttackerModel


def exactly_derivable(
    relations: sp.csr_matrix, values: np.ndarray, pattern: np.ndarray, cells: np.ndarray
) -> np.ndarray:
    """Which of ``cells`` (suppressed under ``pattern``) the attacker pins to one value, with
    suppressed cells only bounded below by 0."""
    attacker = AttackerModel(relations, values, slack=INFINITY)
    attacker.set_pattern(pattern)
    exact = np.zeros(len(cells), dtype=bool)
    for k, cell in enumerate(cells):
        up, _ = attacker.max_increase(int(cell))
        if up > TOLERANCE:
            continue
        exact[k] = attacker.max_decrease(int(cell)) <= TOLERANCE
    return exact


def drop_derivable_secondaries(
    relations: sp.csr_matrix, values: np.ndarray, pattern: np.ndarray, primary: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """The pattern without exactly derivable secondary cells, and the cells dropped. Publishing
    all of them at once is safe: none changes the attacker's feasible set."""
    secondaries = np.flatnonzero(pattern & ~primary)
    exact = exactly_derivable(relations, values, pattern, secondaries)
    dropped = secondaries[exact]
    cleaned = pattern.copy()
    cleaned[dropped] = False
    return cleaned, dropped
