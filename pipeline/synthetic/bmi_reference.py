"""An approximate BMI-for-age reference for children aged 4-12, used to draw plausible
NCMP measurements.

NCMP classifies a child's BMI by its centile on the UK90 reference (LMS method: z =
((BMI / M) ** L - 1) / (L * S); living with obesity at or above the 95th centile,
underweight at or below the 2nd). The UK90 LMS tables are licensed by the MRC and are not
copied here: this module holds a smooth, hand-made approximation of the same shape
(median BMI falling to the adiposity rebound near age 6 and rising after, spread widening
with age, a right skew through L < 0). The generator draws BMI z-scores on this reference,
so the NCMP categories computed with the real UK90 tables will differ from the targets by
a few percentage points.
"""

from __future__ import annotations

import numpy as np

ANCHOR_AGES = np.array([4.0, 5.0, 6.0, 10.0, 11.0, 12.0])
MEDIAN_BMI = {
    "M": np.array([15.9, 15.6, 15.5, 16.8, 17.3, 17.9]),
    "F": np.array([15.7, 15.5, 15.4, 17.0, 17.7, 18.4]),
}
COEFFICIENT_OF_VARIATION = {
    "M": np.array([0.078, 0.080, 0.085, 0.115, 0.122, 0.127]),
    "F": np.array([0.083, 0.087, 0.092, 0.128, 0.134, 0.138]),
}
BOX_COX_POWER = {"M": -1.5, "F": -1.3}

MEDIAN_HEIGHT_AT_4_5 = 105.0
HEIGHT_GAIN_PER_YEAR = 6.1
HEIGHT_CV = 0.043


def lms(age: np.ndarray, male: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """L, M and S of the approximate reference at each age (years) and sex."""
    m = np.where(
        male,
        np.interp(age, ANCHOR_AGES, MEDIAN_BMI["M"]),
        np.interp(age, ANCHOR_AGES, MEDIAN_BMI["F"]),
    )
    s = np.where(
        male,
        np.interp(age, ANCHOR_AGES, COEFFICIENT_OF_VARIATION["M"]),
        np.interp(age, ANCHOR_AGES, COEFFICIENT_OF_VARIATION["F"]),
    )
    power = np.where(male, BOX_COX_POWER["M"], BOX_COX_POWER["F"])
    return power, m, s


def bmi_from_z(z: np.ndarray, age: np.ndarray, male: np.ndarray) -> np.ndarray:
    """BMI at z-score ``z`` of the approximate reference: M (1 + L S z) ** (1 / L)."""
    power, median, cv = lms(age, male)
    base = np.maximum(1 + power * cv * z, 0.05)
    return median * base ** (1 / power)


def bmi_z(bmi: np.ndarray, age: np.ndarray, male: np.ndarray) -> np.ndarray:
    """z-score of ``bmi`` on the approximate reference: ((BMI / M) ** L - 1) / (L S)."""
    power, median, cv = lms(age, male)
    return ((bmi / median) ** power - 1) / (power * cv)


def median_height(age: np.ndarray) -> np.ndarray:
    """Approximate median height (cm) at ``age`` years, 4-12, both sexes."""
    return MEDIAN_HEIGHT_AT_4_5 + (age - 4.5) * HEIGHT_GAIN_PER_YEAR
