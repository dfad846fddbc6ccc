"""BMI, its SDS and centile on UK90, and the NCMP population-monitoring category.

A child's decimal age is the days from birth to measurement over 365.25 (as
``rcpchgrowth.date_calculations.chronological_decimal_age``); BMI is weight (kg) over height
(m) squared; the SDS is on the UK90 BMI reference by exact age and sex (``reference``); the
centile is ``100 * Phi(SDS)``. NCMP's population-monitoring categories (NHS NCMP code
``ncmp_code/parameters.py``, ``BMI_CATEGORIES``; docs/domain.md, "BMI categories"):

* underweight: centile <= 2nd;
* healthy weight: > 2nd and < 85th;
* overweight: >= 85th and < 95th;
* living with obesity: >= 95th, of which severe obesity: >= 99.6th.

The category codes form a hierarchy (:data:`CATEGORY_PARENTS`) so that every published
figure is a cell of one additive table: all children = underweight + healthy weight +
overweight or obesity; overweight or obesity = overweight + living with obesity; living with
obesity = severe obesity + obesity other than severe.
"""

from __future__ import annotations

import numpy as np
import polars as pl
from scipy.special import ndtr

from pipeline.health.plausibility import NCMP_LIMITS, PlausibilityLimits, implausibility_reasons
from pipeline.health.reference import bmi_sds

ALL_CHILDREN = "Total"
UNDERWEIGHT = "underweight"
HEALTHY = "healthy_weight"
OVERWEIGHT_OR_OBESITY = "overweight_or_obesity"
OVERWEIGHT = "overweight"
OBESITY = "obesity"
SEVERE_OBESITY = "severe_obesity"
OBESITY_NOT_SEVERE = "obesity_not_severe"

CATEGORY_PARENTS: dict[str, str] = {
    UNDERWEIGHT: ALL_CHILDREN,
    HEALTHY: ALL_CHILDREN,
    OVERWEIGHT_OR_OBESITY: ALL_CHILDREN,
    OVERWEIGHT: OVERWEIGHT_OR_OBESITY,
    OBESITY: OVERWEIGHT_OR_OBESITY,
    SEVERE_OBESITY: OBESITY,
    OBESITY_NOT_SEVERE: OBESITY,
}
"""The category hierarchy; its leaves are the category a child is counted in."""

CATEGORY_LABELS: dict[str, str] = {
    ALL_CHILDREN: "all children measured and classified (the denominator)",
    UNDERWEIGHT: "underweight (BMI centile at or below the 2nd)",
    HEALTHY: "healthy weight (above the 2nd and below the 85th centile)",
    OVERWEIGHT_OR_OBESITY: "overweight, including living with obesity (85th centile or above)",
    OVERWEIGHT: "overweight (85th centile or above and below the 95th)",
    OBESITY: "living with obesity (95th centile or above)",
    SEVERE_OBESITY: "living with severe obesity (99.6th centile or above)",
    OBESITY_NOT_SEVERE: "living with obesity, not severe (95th or above, below the 99.6th)",
}

UNDERWEIGHT_CENTILE = 2.0
OVERWEIGHT_CENTILE = 85.0
OBESITY_CENTILE = 95.0
SEVERE_OBESITY_CENTILE = 99.6


def decimal_age(date_of_birth: pl.Expr, measured_on: pl.Expr) -> pl.Expr:
    """Age in years at measurement: whole days since birth / 365.25."""
    return (measured_on - date_of_birth).dt.total_days() / 365.25


def bmi(height_cm: pl.Expr, weight_kg: pl.Expr) -> pl.Expr:
    """Body mass index, kg/m^2."""
    return weight_kg / (height_cm / 100) ** 2


def centile(sds: np.ndarray) -> np.ndarray:
    """The centile (0-100) of each SDS on the standard normal distribution."""
    return 100.0 * ndtr(np.asarray(sds, dtype=np.float64))


def weight_category(centiles: np.ndarray) -> np.ndarray:
    """The leaf category code of each BMI centile (NCMP population monitoring cut-offs)."""
    c = np.asarray(centiles, dtype=np.float64)
    return np.select(
        [
            c <= UNDERWEIGHT_CENTILE,
            c < OVERWEIGHT_CENTILE,
            c < OBESITY_CENTILE,
            c < SEVERE_OBESITY_CENTILE,
        ],
        [UNDERWEIGHT, HEALTHY, OVERWEIGHT, OBESITY_NOT_SEVERE],
        default=SEVERE_OBESITY,
    ).astype(object)


def classify(measurements: pl.DataFrame, limits: PlausibilityLimits = NCMP_LIMITS) -> pl.DataFrame:
    """Add ``age_years``, ``bmi``, ``bmi_sds``, ``bmi_centile``, ``category`` and ``held_back``.

    ``measurements`` has ``date_of_birth``, ``measurement_date``, ``sex``, ``height_cm`` and
    ``weight_kg``. ``held_back`` is the reason a row is not classified (implausible or
    outside the reference; its ``category`` is then null), else null.
    """
    frame = measurements.with_columns(
        decimal_age(pl.col("date_of_birth"), pl.col("measurement_date")).alias("age_years"),
        bmi(pl.col("height_cm"), pl.col("weight_kg")).alias("bmi"),
    )
    sds = bmi_sds(frame["bmi"].to_numpy(), frame["age_years"].to_numpy(), frame["sex"].to_numpy())
    centiles = centile(sds)
    reasons = implausibility_reasons(sds, limits)
    categories = weight_category(centiles)
    categories[np.not_equal(reasons, None)] = None
    return frame.with_columns(
        pl.Series("bmi_sds", sds, dtype=pl.Float64).fill_nan(None),
        pl.Series("bmi_centile", centiles, dtype=pl.Float64).fill_nan(None),
        pl.Series("category", categories.tolist(), dtype=pl.Utf8),
        pl.Series("held_back", reasons.tolist(), dtype=pl.Utf8),
    )
