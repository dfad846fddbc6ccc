"""Primary suppression: the minimum frequency (threshold) rule and its protection levels.

A count ``a`` with ``1 <= a <= t-1`` (``t`` = the profile's threshold) is sensitive: publishing
it, or letting an attacker narrow it to an interval inside ``[1, t-1]``, discloses that only
one or two units share the cell's attributes (Hundepool et al., 2012, section 4.2.1). With
``zeros_safe=False`` a zero is sensitive too.

Protection requirement (Fischetti and Salazar, JASA 2000; tau-ARGUS manual, "protection
levels"): an upper protection level ``UPL = t - a`` asks that the attacker's largest feasible
value reaches at least ``t``, which also rules out exact recovery. For a sensitive zero
``UPL = 1`` (the attacker must not be able to prove the cell empty).
"""

from __future__ import annotations

import numpy as np
import polars as pl

from disclosure.profile import Profile
from disclosure.table import Table

FREQ = "freq"
"""Reason code: a count below the threshold."""
ZERO = "zero"
"""Reason code: a zero under a profile where zeros are disclosive."""


def sensitive_reasons(values: np.ndarray, profile: Profile) -> np.ndarray:
    """Per value, the primary reason (``"freq"``, ``"zero"``) or None when the count is safe."""
    values = np.asarray(values, dtype=np.int64)
    reasons = np.full(values.shape, None, dtype=object)
    reasons[(values >= 1) & (values <= profile.threshold - 1)] = FREQ
    if not profile.zeros_safe:
        reasons[values == 0] = ZERO
    return reasons


def is_sensitive(values: np.ndarray, profile: Profile) -> np.ndarray:
    """Boolean mask of primary-sensitive counts."""
    return np.not_equal(sensitive_reasons(values, profile), None)


def upper_protection_levels(values: np.ndarray, profile: Profile) -> np.ndarray:
    """``UPL = t - a`` for sensitive counts, 1 for sensitive zeros, 0 for safe cells."""
    values = np.asarray(values, dtype=np.int64)
    reasons = sensitive_reasons(values, profile)
    levels = np.zeros(values.shape, dtype=np.int64)
    freq = reasons == FREQ
    levels[freq] = profile.threshold - values[freq]
    levels[reasons == ZERO] = 1
    return levels


def primary_cells(table: Table, profile: Profile) -> pl.DataFrame:
    """The table's cells with ``status`` (``"primary"`` or ``"safe"``), ``reason`` and
    ``upl`` (the upper protection level) under ``profile``'s minimum frequency rule."""
    values = table.values.ravel()
    reasons = sensitive_reasons(values, profile)
    return table.cells.with_columns(
        pl.Series("status", np.where(reasons == None, "safe", "primary"), dtype=pl.Utf8),  # noqa: E711
        pl.Series("reason", reasons.tolist(), dtype=pl.Utf8),
        pl.Series("upl", upper_protection_levels(values, profile), dtype=pl.Int64),
    )
