"""Rounding of published counts, and what a published rounded count tells an attacker.

NHS England's rule for statistics below national level (Hospital Episode Statistics since 2018,
the National Child Measurement Programme since 2020; NHSDigital
National-Child-Measurement-Programme-Report-Code ``ncmp_code/utilities/processing_steps.py``,
as summarised in ``docs/domain.md``, "NHS England"): 0 stays 0, counts 1-7 are suppressed as
``*``, every other count is rounded to the nearest multiple of 5. ONS's "10-5 rule" is the same
with a threshold of 10. Rounding is half up (a count ending in 5 of the base's half rounds up),
as DfE's ``dfeR::round_five_up`` and the NHS code do, never to the nearest even multiple.

A published rounded count ``r`` (base ``b``, ``h = floor(b / 2)``) only says that the true count
lies in ``[max(0, r - h), r + h]``. An attacker who also knows the rule knows more: a published
non-zero count is at least the threshold, and a published 0 is 0 exactly when every count that
would round to 0 is suppressed. :func:`known_interval` gives that tighter interval, so an audit
against it is never weaker than one against ``r +- h`` (Hundepool et al., 2012, section 5.4 on
rounding; ONS, "Statistical disclosure control methods for Census 2021"). Method note:
``docs/methods/rounding.md``.
"""

from __future__ import annotations

import numpy as np

from disclosure.levels import KnownBounds
from disclosure.profile import Profile


def round_half_up(values: np.ndarray, base: int) -> np.ndarray:
    """Each count rounded to the nearest multiple of ``base``, halves rounded up (0 stays 0):
    the rounding of NHS England's rule (base 5); rounding, Hundepool et al., 2012, ch. 5."""
    if base < 1:
        raise ValueError("the rounding base must be positive")
    v = np.asarray(values, dtype=np.int64)
    return ((2 * v + base) // (2 * base)) * base


def half_width(base: int) -> int:
    """How far a true count can lie from its published rounded value: ``floor(base / 2)``
    (the rounding interval, Hundepool et al., 2012, ch. 5)."""
    return base // 2


def known_interval(
    rounded: np.ndarray, base: int, threshold: int, zeros_published: bool
) -> tuple[np.ndarray, np.ndarray]:
    """The interval an attacker knows each published rounded count's true value to lie in.

    ``[max(0, r - h), r + h]`` intersected with the counts that can be published at all
    (0 when ``zeros_published``, and ``threshold`` upwards): e.g. base 5, threshold 8 gives
    ``10 -> [8, 12]``, ``15 -> [13, 17]`` and ``0 -> [0, 0]`` (NHS England's rule: base 5,
    counts 1-7 suppressed). What rounding leaves the attacker, Hundepool et al., 2012, ch. 5.
    """
    r = np.asarray(rounded, dtype=np.int64)
    h = half_width(base)
    low = np.maximum(r - h, 0)
    high = r + h
    zero_possible = zeros_published & (low == 0)
    low = np.where(zero_possible, 0, np.maximum(low, threshold))
    high = np.where(zero_possible & (high < threshold), 0, high)
    return low, np.maximum(high, low)


def published_text(
    values: np.ndarray, suppressed: np.ndarray, symbol: str, base: int | None
) -> list[str]:
    """What each cell shows: the symbol when suppressed, else the count (rounded when a base
    is given) as text: under NHS England's rule the symbol or a multiple of 5."""
    shown = np.asarray(values, dtype=np.int64)
    if base is not None:
        shown = round_half_up(shown, base)
    return np.where(np.asarray(suppressed, dtype=bool), symbol, shown.astype(str)).tolist()


def published_bounds(
    values: np.ndarray, profile: Profile, magnitude: np.ndarray | None = None
) -> KnownBounds:
    """What the attacker knows of each cell if it is published: its value exactly, or under a
    rounding profile the interval its rounded value allows (:func:`known_interval`;
    Hundepool et al., 2012, 5.5). A magnitude cell (``magnitude`` True) is published whatever
    its sum, so its interval is the plain ``[max(0, r - h), r + h]``. The protection and the
    audit both start from it."""
    if profile.rounding_base is None:
        return KnownBounds.exact(values)
    base = profile.rounding_base
    rounded = round_half_up(values, base)
    low, high = known_interval(rounded, base, profile.threshold, profile.zeros_safe)
    if magnitude is not None and np.any(magnitude):
        h = half_width(base)
        low = np.where(magnitude, np.maximum(rounded - h, 0), low)
        high = np.where(magnitude, rounded + h, high)
    return KnownBounds(low.astype(np.float64), high.astype(np.float64))
