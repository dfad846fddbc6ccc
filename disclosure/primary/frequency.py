"""The minimum frequency (threshold) rule and its protection levels.

Count tables (Hundepool et al., 2012, section 4.2.1 "threshold rule"; tau-ARGUS manual,
"minimum frequency rule"): a count ``a`` with ``1 <= a <= t-1`` (``t`` = the profile's
threshold) is sensitive: publishing it, or letting an attacker narrow it to an interval inside
``[1, t-1]``, discloses that only one or two units share the cell's attributes. With
``zeros_safe=False`` a zero is sensitive too. Protection (Fischetti and Salazar, JASA 2000;
tau-ARGUS manual, "protection levels"): the attacker's interval must not lie inside
``[1, t-1]``, so it reaches at least ``t`` (alternative upper level ``t - a``) or reaches 0
(alternative lower level ``a``); either rules out exact recovery, and each cell may be
protected on its cheaper side. A profile with ``frequency_sides = "upper"`` asks for the upper
level ``t - a`` alone, as tau-ARGUS's frequency rule does. For a sensitive zero ``UPL = 1``
(the attacker must not be able to prove the cell empty).

Magnitude tables (Hundepool et al., 2012, sections 4.2.1-4.2.2; tau-ARGUS manual, "minimum frequency
rule" with its "frequency range"): a cell with ``1..t-1`` contributors is sensitive whatever its
sum. Its protection interval is the profile's ``frequency_range`` percent of the cell's sum, turned
into levels by the profile's protection mode (:mod:`disclosure.primary.requirements`); without a
range the cell must only not be recovered exactly (sliding level 1: Hundepool et al. recommend
protection levels of zero when only exact disclosure is to be prevented). An empty cell (no
contributors) is sensitive when zeros are not safe, with ``UPL = 1``.
Method note: ``docs/methods/frequency.md``.
"""

from __future__ import annotations

import numpy as np

from disclosure.primary.requirements import RuleCells
from disclosure.profile import Profile
from disclosure.table import Table

FREQ = "freq"
"""Reason code: a count (or number of contributors) below the threshold."""
ZERO = "zero"
"""Reason code: a zero under a profile where zeros are disclosive."""


def sensitive_reasons(values: np.ndarray, profile: Profile) -> np.ndarray:
    """Per count, the minimum frequency rule's reason (``"freq"``, ``"zero"``) or None when
    the count is safe (Hundepool et al., 2012, 4.2.1)."""
    values = np.asarray(values, dtype=np.int64)
    reasons = np.full(values.shape, None, dtype=object)
    reasons[(values >= 1) & (values <= profile.threshold - 1)] = FREQ
    if not profile.zeros_safe:
        reasons[values == 0] = ZERO
    return reasons


def is_sensitive(values: np.ndarray, profile: Profile) -> np.ndarray:
    """Boolean mask of counts sensitive under the minimum frequency rule (Hundepool et al.,
    2012, 4.2.1)."""
    return np.not_equal(sensitive_reasons(values, profile), None)


def upper_protection_levels(values: np.ndarray, profile: Profile) -> np.ndarray:
    """The minimum frequency rule's upper protection levels (Fischetti and Salazar 2000;
    tau-ARGUS manual): ``UPL = t - a`` for sensitive counts, 1 for sensitive zeros, 0 for safe
    cells."""
    values = np.asarray(values, dtype=np.int64)
    reasons = sensitive_reasons(values, profile)
    levels = np.zeros(values.shape, dtype=np.int64)
    freq = reasons == FREQ
    levels[freq] = profile.threshold - values[freq]
    levels[reasons == ZERO] = 1
    return levels


def frequency_cells(table: Table, profile: Profile) -> list[RuleCells]:
    """The cells of ``table`` the minimum frequency rule marks, as ``"freq"`` and ``"zero"``
    cells with their protection levels (module docstring; Hundepool et al., 2012, 4.2.1;
    tau-ARGUS manual, "minimum frequency rule")."""
    units = table.contributors.ravel()
    reasons = sensitive_reasons(units, profile)
    freq = np.flatnonzero(reasons == FREQ)
    zero = RuleCells.with_levels(ZERO, np.flatnonzero(reasons == ZERO), upper=1.0)
    if not table.is_magnitude:
        small = units[freq]
        if profile.frequency_sides == "upper":
            return [RuleCells.with_levels(FREQ, freq, upper=profile.threshold - small), zero]
        return [
            RuleCells.with_levels(FREQ, freq, alt_upper=profile.threshold - small, alt_lower=small),
            zero,
        ]
    values = table.values.ravel()[freq]
    if profile.frequency_range is None:
        return [RuleCells.with_levels(FREQ, freq, sliding=1.0), zero]
    required = np.maximum(values * profile.frequency_range / 100.0, 1.0)
    return [RuleCells.directed(FREQ, freq, required, values, profile.protection), zero]
