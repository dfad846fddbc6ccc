"""Which measurements are implausible: held back (quarantined) instead of classified.

NHS England's NCMP validation flags a measurement as extreme when its BMI z-score on UK90 is
below -3 or above +4 (the same limits for height and weight z-scores); such a record is
referred back to the local authority for confirmation before it counts (NHSDigital
National-Child-Measurement-Programme-Report-Code, ``ncmp_code/utilities/
post_deadline_validations.py``, validation 5 "extreme measurements"). Quarantine is this
project's way of holding a row back with its reason until a corrected or confirmed delivery
replaces it, so the same limits are the default here. docs/domain.md ("Plausibility limits")
asks for a value whose sources may differ to be configurable: the limits are a
:class:`PlausibilityLimits` the flow can be given, not constants buried in code.

A measurement that cannot be classified at all (an age outside UK90's 4-20 years, an
unknown sex) is quarantined too.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class PlausibilityLimits:
    """The BMI z-score range inside which a measurement is classified."""

    lowest_bmi_sds: float = -3.0
    highest_bmi_sds: float = 4.0

    def __post_init__(self) -> None:
        if not self.lowest_bmi_sds < 0 < self.highest_bmi_sds:
            raise ValueError("the plausible BMI SDS range must contain 0")


NCMP_LIMITS = PlausibilityLimits()
"""NCMP's extreme-value limits: BMI SDS below -3 or above +4 is held back."""

OUTSIDE_REFERENCE = "age or sex outside the UK90 BMI reference (4-20 years, M/F)"


def implausibility_reasons(sds: np.ndarray, limits: PlausibilityLimits = NCMP_LIMITS) -> np.ndarray:
    """Per measurement the reason it is held back (text), or None when it is classified."""
    sds = np.asarray(sds, dtype=np.float64)
    reasons = np.full(sds.shape, None, dtype=object)
    reasons[np.isnan(sds)] = OUTSIDE_REFERENCE
    low = sds < limits.lowest_bmi_sds
    high = sds > limits.highest_bmi_sds
    reasons[low] = f"implausible BMI SDS below {limits.lowest_bmi_sds:g} (NCMP extreme value)"
    reasons[high] = f"implausible BMI SDS above {limits.highest_bmi_sds:g} (NCMP extreme value)"
    return reasons
