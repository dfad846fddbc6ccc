"""Whole-number checks: a three-cycle of relations whose LP has fractional vertices.

Cells x1..x4 and published totals P1..P3 with x1 + x2 = P1 = 1, x2 + x3 = P2 = 1 and
x1 + x3 + x4 = P3 = 1, true values x = (0, 1, 0, 1). With x1..x4 hidden the attacker's LP
gives x1 in [0, 0.5], x2 in [0.5, 1], x3 in [0, 0.5] and x4 = 1 - 2 x1 in [0, 1]: in whole
numbers x1, x2 and x3 are known exactly although their real intervals have width 0.5.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from disclosure.intervals import IntervalSolver
from disclosure.levels import KnownBounds, ProtectionLevels
from disclosure.secondary.finish import finished_pattern, unprotected

X1, X2, X3, X4, P1, P2, P3 = range(7)
VALUES = np.array([0.0, 1.0, 0.0, 1.0, 1.0, 1.0, 1.0])
RELATIONS = sp.csr_matrix(
    np.array(
        [
            [1, 1, 0, 0, -1, 0, 0],
            [0, 1, 1, 0, 0, -1, 0],
            [1, 0, 1, 1, 0, 0, -1],
        ],
        dtype=np.float64,
    )
)
HIDDEN = np.array([True, True, True, True, False, False, False])


def x4_primary() -> ProtectionLevels:
    primary = np.zeros(7, dtype=bool)
    primary[X4] = True
    zeros = np.zeros(7)
    return ProtectionLevels(primary, zeros, zeros.copy(), primary.astype(float))


def test_a_fractional_interval_around_one_whole_number_is_exact() -> None:
    solver = IntervalSolver(RELATIONS, VALUES, HIDDEN, KnownBounds.exact(VALUES))
    x1 = solver.interval(X1)
    assert (x1.lower, x1.upper) == (0.0, 0.5)  # real width 0.5 ...
    assert solver.is_exact(X1) and solver.is_exact(X2) and solver.is_exact(X3)  # ... pinned
    assert not solver.is_exact(X4)  # x4 = 1 - 2 x1 takes 0 and 1


def test_finishing_publishes_known_secondaries_and_protects_what_that_exposes() -> None:
    levels = x4_primary()
    assert len(unprotected(RELATIONS, VALUES, HIDDEN, levels, KnownBounds.exact(VALUES))) == 0
    finished = finished_pattern(
        RELATIONS, VALUES, HIDDEN, levels, np.zeros(7, dtype=bool), np.ones(7), 10.0
    )
    # x1, x2, x3 protect nothing (whole numbers pin them) and are published; x4 is then
    # exact (1 - 2 * 0) and is protected again by hiding its total P3
    assert finished.settled and finished.published_again == 3 and finished.reprotected == 1
    assert np.flatnonzero(finished.pattern).tolist() == [X4, P3]
    solver = IntervalSolver(RELATIONS, VALUES, finished.pattern, KnownBounds.exact(VALUES))
    assert not solver.is_exact(X4) and not solver.is_exact(P3)
