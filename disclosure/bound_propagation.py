"""One round of bound propagation on the attacker's relations.

For a relation ``sum_j c_j y_j = rhs`` with every variable within ``[low_j, high_j]``, each
variable with ``c_i > 0`` satisfies ``c_i y_i <= rhs - sum_{j != i} min(c_j low_j, c_j high_j)``
(and likewise with ``c_i < 0``); the least such bound over a variable's relations is an upper
bound of the attacker's maximum (Fischetti and Salazar, JASA 2000: the attacker's LP; Hundepool
et al., 2012, 4.3.2). When an LP solution already reaches it, it is the maximum and that LP is
skipped (:class:`disclosure.intervals.IntervalSolver`). Method note: ``docs/methods/audit.md``.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp


def row_upper_bounds(
    sub: sp.csr_matrix, rhs: np.ndarray, low: np.ndarray, high: np.ndarray
) -> np.ndarray:
    """Per variable, the least upper bound any single relation gives it when every other
    variable of the relation takes its most favourable bound (``inf`` when none does): one
    round of bound propagation on the attacker's LP (Fischetti and Salazar, JASA 2000). A
    witness at this bound proves it is the maximum."""
    n = sub.shape[1]
    coo = sub.tocoo()
    row, col, coef = coo.row, coo.col, coo.data
    with np.errstate(invalid="ignore"):
        at_low, at_high = coef * low[col], coef * np.where(np.isinf(high[col]), np.inf, high[col])
    at_high = np.where(np.isnan(at_high), 0.0, at_high)
    least = np.minimum(at_low, at_high)  # the smallest value of coef * y over the bounds
    most = np.maximum(at_low, at_high)
    m = sub.shape[0]

    def totals(terms: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Per row, the sum of the finite terms and the number of infinite ones (rows are the
        additive relations of the attacker's problem, Hundepool et al., 2012, 4.3.2)."""
        finite = np.isfinite(terms)
        sums = np.bincount(row, weights=np.where(finite, terms, 0.0), minlength=m)
        return sums, np.bincount(row, weights=(~finite).astype(np.float64), minlength=m)

    least_sum, least_inf = totals(least)
    most_sum, most_inf = totals(most)
    own_least_inf = ~np.isfinite(least)
    own_most_inf = ~np.isfinite(most)
    bound = np.full(len(coef), np.inf)
    # coef > 0: coef * y = rhs - sum(others) <= rhs - sum(least of others)
    up = (coef > 0) & (least_inf[row] - own_least_inf == 0)
    others = least_sum[row] - np.where(own_least_inf, 0.0, least)
    bound[up] = (rhs[row][up] - others[up]) / coef[up]
    # coef < 0: -coef * y = sum(others) - rhs <= sum(most of others) - rhs
    down = (coef < 0) & (most_inf[row] - own_most_inf == 0)
    others = most_sum[row] - np.where(own_most_inf, 0.0, most)
    bound[down] = (others[down] - rhs[row][down]) / -coef[down]
    result = np.full(n, np.inf)
    np.minimum.at(result, col, bound)
    return result
