"""BMI classification against UK90: agreement with rcpchgrowth and with the LMS formula by hand."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import polars as pl
import pytest
from rcpchgrowth.global_functions import centile as rcpch_centile
from rcpchgrowth.global_functions import sds_for_measurement

from pipeline.health.classification import (
    HEALTHY,
    OBESITY_NOT_SEVERE,
    OVERWEIGHT,
    SEVERE_OBESITY,
    UNDERWEIGHT,
    classify,
    weight_category,
)
from pipeline.health.reference import bmi_sds


def test_sds_and_centile_agree_with_rcpchgrowth_on_1000_random_children() -> None:
    rng = np.random.default_rng(2026)
    n = 1_000
    born = date(2014, 9, 1)
    dob = [born + timedelta(days=int(d)) for d in rng.integers(0, 2_500, n)]
    measured = [
        d + timedelta(days=int(a)) for d, a in zip(dob, rng.integers(1_470, 4_400, n), strict=True)
    ]
    frame = pl.DataFrame(
        {
            "date_of_birth": dob,
            "measurement_date": measured,
            "sex": rng.choice(["M", "F"], n).tolist(),
            "height_cm": rng.uniform(95.0, 165.0, n).round(1),
            "weight_kg": rng.uniform(13.0, 70.0, n).round(1),
        }
    )
    result = classify(frame)
    classified = 0
    for row in result.iter_rows(named=True):
        age = (row["measurement_date"] - row["date_of_birth"]).days / 365.25
        sex = {"M": "male", "F": "female"}[row["sex"]]
        expected = sds_for_measurement("uk-who", age, "bmi", row["bmi"], sex)
        assert row["bmi_sds"] == pytest.approx(expected, abs=1e-9)
        assert row["bmi_centile"] == pytest.approx(rcpch_centile(expected), abs=1e-7)
        if row["category"] is not None:
            assert row["category"] == weight_category(np.array([rcpch_centile(expected)]))[0]
            classified += 1
    assert classified > 300


# Three published UK90 BMI LMS rows (as rcpchgrowth ships them) and z computed by hand:
# z = ((X / M) ** L - 1) / (L * S)
# boy 4.0 y, L -1.291, M 15.752, S 0.07684, BMI 18.0: X/M = 1.142712; (X/M)^L = 0.841787;
#   z = -0.158213 / -0.099200 = 1.594855 (centile 94.46: overweight)
# girl 5.0 y, L -1.220, M 15.483, S 0.09326, BMI 14.0: z = -1.148728 (centile 12.53: healthy)
# boy 11.0 y, L -1.837, M 16.892, S 0.11249, BMI 24.0: z = 2.300727 (centile 98.93: obesity)
HAND_COMPUTED = [
    ("M", 4.0, 18.0, (-1.291, 15.752, 0.07684), 1.594855, OVERWEIGHT),
    ("F", 5.0, 14.0, (-1.220, 15.483, 0.09326), -1.148728, HEALTHY),
    ("M", 11.0, 24.0, (-1.837, 16.892, 0.11249), 2.300727, OBESITY_NOT_SEVERE),
]


@pytest.mark.parametrize(("sex", "age", "bmi", "lms", "z", "category"), HAND_COMPUTED)
def test_sds_matches_hand_computed_lms_rows(
    sex: str, age: float, bmi: float, lms: tuple[float, float, float], z: float, category: str
) -> None:
    l, m, s = lms  # noqa: E741
    assert ((bmi / m) ** l - 1) / (l * s) == pytest.approx(z, abs=1e-6)
    sds = bmi_sds(np.array([bmi]), np.array([age]), np.array([sex]))[0]
    assert sds == pytest.approx(z, abs=1e-6)
    centile = 100 * 0.5 * (1 + np.vectorize(__import__("math").erf)(sds / np.sqrt(2)))
    assert weight_category(np.array([centile]))[0] == category


def test_category_cut_offs_are_ncmps() -> None:
    centiles = np.array([0.5, 2.0, 2.01, 84.99, 85.0, 94.99, 95.0, 99.59, 99.6, 99.99])
    assert weight_category(centiles).tolist() == [
        UNDERWEIGHT,
        UNDERWEIGHT,
        HEALTHY,
        HEALTHY,
        OVERWEIGHT,
        OVERWEIGHT,
        OBESITY_NOT_SEVERE,
        OBESITY_NOT_SEVERE,
        SEVERE_OBESITY,
        SEVERE_OBESITY,
    ]


def test_implausible_measurements_are_held_back_not_classified() -> None:
    frame = pl.DataFrame(
        {
            "date_of_birth": [date(2020, 1, 1)] * 3 + [date(2024, 1, 1)],
            "measurement_date": [date(2025, 1, 1)] * 4,
            "sex": ["M", "M", "F", "F"],
            "height_cm": [110.0, 110.0, 110.0, 80.0],
            "weight_kg": [19.0, 12.0, 40.0, 10.0],
        }
    )
    result = classify(frame)
    assert result["category"].to_list()[0] == HEALTHY
    assert result["held_back"].to_list()[0] is None
    assert "below -3" in result["held_back"][1] and result["category"][1] is None
    assert "above 4" in result["held_back"][2] and result["category"][2] is None
    assert "outside the UK90" in result["held_back"][3]
