"""The UK90 BMI-for-age reference (LMS) as RCPCH's ``rcpchgrowth`` ships it, vectorised.

UK90 (Cole, Freeman and Preece, 1995; reanalysed 2009) gives, for each sex and each month of
age from 4 to 20 years, the Box-Cox power L, median M and coefficient of variation S of BMI.
A BMI ``X`` at an age has the SDS ``z = ((X / M) ** L - 1) / (L * S)`` (``ln(X / M) / S`` when
L = 0) and the centile ``Phi(z)`` (docs/domain.md, "UK90 BMI reference (LMS)"). Between two monthly
rows the L, M and S are interpolated as ``rcpchgrowth.global_functions.fetch_lms`` does
(Tim Cole's four-point cubic Lagrange interpolation as in LMSgrowth; linear in the first and
last intervals of the table), so the SDS here agrees with ``rcpchgrowth``'s own, child by
child, while classifying a whole year group in one numpy pass.

The tables are read from ``rcpchgrowth`` (AGPL-3.0-or-later; the UK90 data are the MRC's and
are used as RCPCH distributes them): nothing of them is copied into this project.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np

SEXES = {"M": "male", "F": "female"}
"""Census sex codes and rcpchgrowth's names for them."""

AGE_DECIMALS = 4
"""rcpchgrowth matches an age to a table row after rounding both to 4 decimal places."""


@dataclass(frozen=True)
class LmsTable:
    """One sex's UK90 BMI rows: decimal ages (years) and their L, M and S."""

    age: np.ndarray
    l: np.ndarray  # noqa: E741 (the LMS method's own name)
    m: np.ndarray
    s: np.ndarray

    @property
    def first_age(self) -> float:
        return float(self.age[0])

    @property
    def last_age(self) -> float:
        return float(self.age[-1])


@cache
def uk90_bmi(sex: str) -> LmsTable:
    """The UK90 child BMI table of ``sex`` ("M" or "F"), from rcpchgrowth's data."""
    # importing rcpchgrowth takes about 2 s (it loads its reference data): only when needed.
    from rcpchgrowth.constants.reference_constants import BMI
    from rcpchgrowth.uk_who import uk_who_lms_array_for_measurement_and_sex

    rows = uk_who_lms_array_for_measurement_and_sex(
        age=10.0, measurement_method=BMI, sex=SEXES[sex]
    )
    return LmsTable(
        age=np.array([r["decimal_age"] for r in rows], dtype=np.float64),
        l=np.array([r["L"] for r in rows], dtype=np.float64),
        m=np.array([r["M"] for r in rows], dtype=np.float64),
        s=np.array([r["S"] for r in rows], dtype=np.float64),
    )


def _cubic(x: np.ndarray, xs: np.ndarray, ys: np.ndarray) -> np.ndarray:
    """Lagrange cubic through four points per row (``xs``, ``ys`` of shape (n, 4))."""
    out = np.zeros_like(x)
    for j in range(4):
        term = ys[:, j].copy()
        for k in range(4):
            if k != j:
                term *= (x - xs[:, k]) / (xs[:, j] - xs[:, k])
        out += term
    return out


def interpolated_lms(table: LmsTable, age: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """L, M and S of ``table`` at each ``age`` (years, inside the table's range).

    An age equal (to 4 decimals) to a row's takes that row; otherwise the four rows around it
    give a cubic, except in the first and last intervals where the two rows around it give a
    line (``rcpchgrowth.global_functions.fetch_lms``).
    """
    age = np.asarray(age, dtype=np.float64)
    n = table.age.size
    rounded_rows = np.round(table.age, AGE_DECIMALS)
    below = np.clip(
        np.searchsorted(rounded_rows, np.round(age, AGE_DECIMALS), "right") - 1, 0, n - 1
    )
    exact = rounded_rows[below] == np.round(age, AGE_DECIMALS)
    below = np.minimum(below, n - 2)
    cubic = ~exact & (below >= 1) & (below < n - 2)
    linear = ~exact & ~cubic
    result = []
    for values in (table.l, table.m, table.s):
        out = values[below].copy()
        if cubic.any():
            rows = below[cubic][:, None] + np.arange(-1, 3)[None, :]
            out[cubic] = _cubic(age[cubic], table.age[rows], values[rows])
        if linear.any():
            lo, hi = below[linear], below[linear] + 1
            share = (age[linear] - table.age[lo]) / (table.age[hi] - table.age[lo])
            out[linear] = values[lo] + share * (values[hi] - values[lo])
        result.append(out)
    return result[0], result[1], result[2]


def lms_sds(x: np.ndarray, power: np.ndarray, m: np.ndarray, s: np.ndarray) -> np.ndarray:
    """The LMS z-score of measurement ``x`` (``power`` is L): ((x/M)^L - 1)/(L S), or
    ln(x/M)/S when L = 0."""
    x, power, m, s = (np.asarray(a, dtype=np.float64) for a in (x, power, m, s))
    zero = power == 0
    safe_l = np.where(zero, 1.0, power)
    power = ((x / m) ** safe_l - 1) / (safe_l * s)
    return np.where(zero, np.log(x / m) / s, power)


def bmi_sds(bmi: np.ndarray, age: np.ndarray, sex: np.ndarray) -> np.ndarray:
    """BMI SDS on UK90 at decimal ``age`` (years) for census ``sex`` codes; NaN outside the
    reference's ages (4 to 20 years) or for an unknown sex."""
    bmi = np.asarray(bmi, dtype=np.float64)
    age = np.asarray(age, dtype=np.float64)
    sex = np.asarray(sex, dtype=object)
    out = np.full(bmi.shape, np.nan)
    for code in SEXES:
        table = uk90_bmi(code)
        rows = (sex == code) & (age >= table.first_age) & (age <= table.last_age)
        if rows.any():
            l, m, s = interpolated_lms(table, age[rows])  # noqa: E741
            out[rows] = lms_sds(bmi[rows], l, m, s)
    return out
