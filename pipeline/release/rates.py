"""Percentages and their 95% Wilson score intervals, computed from PUBLISHED figures only.

NHS England's rule for statistics below national level (docs/domain.md, "NHS England"; NHSDigital
National-Child-Measurement-Programme-Report-Code ``processing_steps.py``,
``suppress_percentage_column``): a percentage is recalculated from the published (rounded)
numerator and denominator, shown to one decimal place, and suppressed, with its confidence
interval, when either is suppressed. The interval is Wilson's score interval, the method of
the NCMP report (same code, ``calc_conf_intervals``; Wilson, JASA 1927):

    p = r / n, q = 1 - p, z = Phi^-1(0.975)
    A = 2 r + z^2,  B = z sqrt(z^2 + 4 r q),  C = 2 (n + z^2)
    lower = (A - B) / C,  upper = (A + B) / C

Because only published figures go in, anyone can recompute every derived column from the
release itself, and no derived column says anything the counts do not.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import polars as pl
from scipy.stats import norm

from pipeline.release.published import DerivedColumn

Z_95 = float(norm.ppf(0.975))
DECIMALS = 1
NOT_APPLICABLE = "z"
"""GSS symbol for a percentage of an empty denominator (published 0: nothing to divide)."""

PERCENTAGE, CI_LOWER, CI_UPPER = "percentage", "ci_lower", "ci_upper"


def wilson_interval(
    numerator: np.ndarray, denominator: np.ndarray, z: float = Z_95
) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval of the proportion ``numerator / denominator`` (0-1 scale)."""
    r = np.asarray(numerator, dtype=np.float64)
    n = np.asarray(denominator, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        q = 1.0 - r / n
        a = 2 * r + z**2
        b = z * np.sqrt(np.maximum(z**2 + 4 * r * q, 0.0))
        c = 2 * (n + z**2)
        return (a - b) / c, (a + b) / c


def prevalence_derived_columns(measure: str) -> tuple[DerivedColumn, ...]:
    """How the release manifest describes the three columns :func:`with_prevalence` adds."""
    sources = (measure, f"{measure} of the category total")
    return (
        DerivedColumn(PERCENTAGE, "percentage", sources),
        DerivedColumn(CI_LOWER, "ci_lower", sources),
        DerivedColumn(CI_UPPER, "ci_upper", sources),
    )


def _as_text(values: np.ndarray, usable: np.ndarray, fallback: np.ndarray) -> list[str]:
    shown = np.char.mod(f"%.{DECIMALS}f", np.round(np.where(usable, values, 0.0), DECIMALS))
    return np.where(usable, shown, fallback).tolist()


def with_prevalence(
    published: pl.DataFrame,
    *,
    measure: str,
    dimensions: Sequence[str],
    category: str,
    denominator_code: str,
    symbol: str,
) -> pl.DataFrame:
    """Add ``percentage``, ``ci_lower`` and ``ci_upper`` (text, per cent, 1 decimal place).

    ``published`` has one text column per dimension and the published ``measure`` (a whole
    number as text or ``symbol``). Each cell's denominator is the published cell with the same
    codes except ``category`` = ``denominator_code``. A suppressed numerator or denominator
    suppresses the percentage and its interval (``symbol``); a published denominator of 0
    makes them not applicable (:data:`NOT_APPLICABLE`).
    """
    others = [d for d in dimensions if d != category]
    denominators = published.filter(pl.col(category) == denominator_code).select(
        *others, pl.col(measure).alias("__denominator")
    )
    joined = published.join(denominators, on=others, how="left", maintain_order="left")
    numerator_text = joined[measure].to_numpy().astype(str)
    denominator_text = joined["__denominator"].to_numpy().astype(str)
    suppressed = (numerator_text == symbol) | (denominator_text == symbol)
    r = np.where(suppressed, "0", numerator_text).astype(np.float64)
    n = np.where(suppressed, "0", denominator_text).astype(np.float64)
    empty = ~suppressed & (n == 0)
    usable = ~suppressed & ~empty
    fallback = np.where(suppressed, symbol, NOT_APPLICABLE)
    with np.errstate(divide="ignore", invalid="ignore"):
        percentage = 100.0 * r / n
    lower, upper = wilson_interval(r, n)
    return published.with_columns(
        pl.Series(PERCENTAGE, _as_text(percentage, usable, fallback), dtype=pl.Utf8),
        pl.Series(CI_LOWER, _as_text(100.0 * lower, usable, fallback), dtype=pl.Utf8),
        pl.Series(CI_UPPER, _as_text(100.0 * upper, usable, fallback), dtype=pl.Utf8),
    )
