"""Cell costs: what suppressing a cell loses (Hundepool et al., 2012, section 4.3.2 "cost
functions"; tau-ARGUS manual, "cost variable": cell value, frequency, unity, and a log-transform
to damp large cells)."""

from __future__ import annotations

from typing import Literal

import numpy as np

CostName = Literal["value", "count", "log"]


def cell_costs(values: np.ndarray, cost: CostName = "value") -> np.ndarray:
    """``"value"``: value + 1 (the 1 keeps zeros from being free); ``"count"``: 1 per cell;
    ``"log"``: log(1 + value) + 1e-3 (strictly positive so a useless suppression always costs).
    The cost functions of tau-ARGUS manual, "cost variable"; information loss, Hundepool et al.,
    2012, 4.4."""
    values = np.asarray(values, dtype=np.float64)
    if cost == "value":
        return values + 1.0
    if cost == "count":
        return np.ones_like(values)
    if cost == "log":
        return np.log1p(values) + 1e-3
    raise ValueError(f"unknown cost {cost!r}; use 'value', 'count' or 'log'")
