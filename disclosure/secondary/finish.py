"""Finishing a pattern before it is published: the attacker works in whole numbers.

The methods choose patterns against the attacker's LP, whose intervals are real; the attacker
(and the audit, Hundepool et al., 2012, 4.3.4) knows that counts and sums are whole numbers,
so a cell's interval is really ``[ceil(min), floor(max)]``. On tables of three or more
dimensions the LP's vertices can be fractional, and a secondary cell whose real interval is
``[0, 0.5]`` is a zero the attacker knows. Such a cell protects nothing: publishing it tells
the whole-number attacker nothing new, so it is published again (tau-ARGUS manual, "audit":
secondaries that can be recalculated exactly are not kept). Publishing cells shrinks the LP's
feasible set, so every primary cell is then checked again in whole numbers and any left short
is protected again by the LP heuristic, started from the pattern; this repeats until a pass
changes nothing.
Method note: ``docs/methods/audit.md``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np
import scipy.sparse as sp

from disclosure.intervals import IntervalSolver
from disclosure.levels import KnownBounds, ProtectionLevels
from disclosure.secondary.cleanup import drop_derivable_secondaries
from disclosure.secondary.heuristic import heuristic_pattern

MAX_PASSES = 10
"""Passes of publishing known secondaries and protecting primaries again before giving up (the
audit then reports what is left)."""


@dataclass(frozen=True)
class FinishedPattern:
    """A pattern after :func:`finished_pattern`: ``published_again`` secondary cells dropped
    (known to the attacker in whole numbers), ``reprotected`` primary cells protected again,
    over ``passes`` passes; ``settled`` False when :data:`MAX_PASSES` ran out. The audit and
    cleanup step of Hundepool et al., 2012, 4.3.4 (tau-ARGUS manual, "audit")."""

    pattern: np.ndarray
    published_again: int
    reprotected: int
    passes: int
    settled: bool


def unprotected(
    relations: sp.csr_matrix,
    values: np.ndarray,
    pattern: np.ndarray,
    levels: ProtectionLevels,
    known: KnownBounds,
) -> np.ndarray:
    """The primary cells whose whole-number audit interval (all relations, suppressed cells
    only bounded below by 0) misses their upper, lower or sliding level, or is a single point,
    or reaches neither alternative level (the audit of Hundepool et al., 2012, 4.3.4)."""
    solver = IntervalSolver(relations, values, pattern, known)
    short: list[int] = []
    for p in np.flatnonzero(levels.primary):
        a = float(values[p])
        width = max(levels.sliding[p], 1.0 if levels.upper[p] or levels.lower[p] else 0.0)
        if not solver.reaches(int(p), a + levels.upper[p], a - levels.lower[p], width):
            short.append(int(p))
        elif levels.alternative[p] and levels.alt_upper[p] > 0 and levels.alt_lower[p] > 0:
            # either side: the interval reaches a + AUPL or a - ALPL
            up = solver.reaches(int(p), a + levels.alt_upper[p], math.inf, 0.0)
            if not up and not solver.reaches(int(p), -math.inf, a - levels.alt_lower[p], 0.0):
                short.append(int(p))
    return np.array(short, dtype=np.int64)


def protected_again(
    relations: sp.csr_matrix,
    values: np.ndarray,
    pattern: np.ndarray,
    levels: ProtectionLevels,
    short: np.ndarray,
    forced: np.ndarray,
    costs: np.ndarray,
    slack: float,
    known: KnownBounds,
) -> np.ndarray:
    """``pattern`` with the LP heuristic (Carvalho, Dellaert and Osorio 1994) run from it for
    the ``short`` primaries only. Each asks a real width one more than its sliding level (at
    least 2): a real interval that wide holds a whole number other than the cell's value, so
    the cell is not pinned in whole numbers (Hundepool et al., 2012, 4.3.4)."""
    mask = np.zeros(len(values), dtype=bool)
    mask[short] = True
    wider = np.where(mask, np.maximum(levels.sliding, 1.0) + 1.0, levels.sliding)
    return heuristic_pattern(
        relations,
        values,
        replace(levels.restricted_to(mask), sliding=wider),
        forced,
        costs,
        slack,
        known=known,
        start=pattern,
    )


def finished_pattern(
    relations: sp.csr_matrix,
    values: np.ndarray,
    pattern: np.ndarray,
    levels: ProtectionLevels,
    forced: np.ndarray,
    costs: np.ndarray,
    slack: float,
    known: KnownBounds | None = None,
    max_passes: int = MAX_PASSES,
) -> FinishedPattern:
    """Publish again the secondary cells the attacker knows in whole numbers and protect again
    the primaries that leaves short, until a pass changes nothing (module docstring; Hundepool
    et al., 2012, 4.3.4; tau-ARGUS manual, "audit")."""
    known = known or KnownBounds.exact(values)
    published = reprotected = 0
    for passes in range(1, max_passes + 1):
        pattern, dropped = drop_derivable_secondaries(
            relations, values, pattern, levels.primary, known
        )
        published += len(dropped)
        short = unprotected(relations, values, pattern, levels, known)
        if len(short):
            reprotected += len(short)
            pattern = protected_again(
                relations, values, pattern, levels, short, forced, costs, slack, known
            )
        elif len(dropped) == 0:
            return FinishedPattern(pattern, published, reprotected, passes, True)
    return FinishedPattern(pattern, published, reprotected, max_passes, False)
