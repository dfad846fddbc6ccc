"""Chart scales: round tick values and where a bar chart's baseline goes.

Bars of counts, percentages and rates start at 0. Bars of an average whose figures all lie
far from 0 (KS2 scaled scores of 98.8 and 105.1, Attainment 8) would look alike from 0, so
their axis starts at a round value below the smallest figure (and its interval) and the
chart says so; an average that crosses 0 (Progress 8) keeps 0 as its baseline, with bars
either side.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

ZERO_BASED_KINDS: frozenset[str] = frozenset({"count", "percentage", "rate"})
"""Kinds whose bars always start at 0."""
CLOSE_TO_ZERO = 0.5
"""An all-positive average starts at 0 when its smallest figure is under half its largest."""


def _step(span: float, count: int) -> float:
    raw = span / max(count, 1)
    power = 10 ** math.floor(math.log10(raw))
    for nice in (1.0, 2.0, 2.5, 5.0, 10.0):
        if raw <= nice * power:
            return nice * power
    return 10.0 * power


def nice_ticks(lo: float, hi: float, count: int = 5) -> list[float]:
    """Round tick values covering ``lo``..``hi`` (about ``count`` intervals)."""
    if hi <= lo:
        hi = lo + 1.0
    step = _step(hi - lo, count)
    start = math.floor(lo / step + 1e-9) * step
    end = math.ceil(hi / step - 1e-9) * step
    ticks, value = [], start
    while value <= end + step / 2:
        ticks.append(round(value, 10))
        value += step
    return ticks


def tick_text(value: float, ticks: list[float]) -> str:
    """A tick's label with as many decimals as the step needs."""
    step = ticks[1] - ticks[0] if len(ticks) > 1 else 1.0
    decimals = max(0, -math.floor(math.log10(step) + 1e-9)) if step < 1 else 0
    if step < 1 and abs(step * 10**decimals - round(step * 10**decimals)) > 1e-9:
        decimals += 1
    text = f"{value:.{decimals}f}"
    return "0" if float(text) == 0 else text


@dataclass(frozen=True)
class Scale:
    """A value axis: its ticks (lowest and highest are the ends) and the bars' baseline."""

    ticks: tuple[float, ...]
    baseline: float

    @property
    def lo(self) -> float:
        return self.ticks[0]

    @property
    def hi(self) -> float:
        return self.ticks[-1]

    def fraction(self, value: float) -> float:
        """Where ``value`` lies between the ends, 0..1."""
        return (value - self.lo) / (self.hi - self.lo)

    @property
    def truncated(self) -> bool:
        """Whether the bars start somewhere other than 0."""
        return self.baseline != 0


def bar_scale(numbers: Iterable[float], kind: str) -> Scale:
    """The value axis of bars of ``numbers`` (figures and interval ends) of ``kind``."""
    found = list(numbers) or [0.0]
    lo, hi = min(found), max(found)
    if kind not in ZERO_BASED_KINDS and lo > 0 and lo >= CLOSE_TO_ZERO * hi:
        pad = max((hi - lo) * 0.15, hi * 0.01)
        ticks = nice_ticks(lo - pad, hi, 5)
        return Scale(tuple(ticks), ticks[0])
    ticks = nice_ticks(min(lo, 0.0), max(hi, 0.0), 5)
    return Scale(tuple(ticks), 0.0)


def line_scale(numbers: Iterable[float], kind: str) -> Scale:
    """The value axis of a trend: round ticks around the figures (and their intervals);
    counts and percentages from 0 when the figures are within half of it."""
    found = list(numbers) or [0.0]
    lo, hi = min(found), max(found)
    if kind in ZERO_BASED_KINDS and lo >= 0 and lo < CLOSE_TO_ZERO * hi:
        lo = 0.0
    if hi == lo:  # a flat line (the LA's Progress 8 is 0 by definition): centre it
        pad = max(abs(hi) * 0.1, 0.5)
        ticks = nice_ticks(lo - pad, hi + pad, 4)
        return Scale(tuple(ticks), ticks[0])
    pad = max((hi - lo) * 0.1, abs(hi) * 0.01)
    ticks = nice_ticks(lo - pad if lo != 0 else 0.0, hi + pad, 4)
    return Scale(tuple(ticks), ticks[0])
