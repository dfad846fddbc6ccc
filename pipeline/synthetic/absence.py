"""Absence over the academic year of the synthetic borough: one row per registration.

Possible sessions are 300-330 for a full-year single registration (fewer for the few who
joined during the year, and split between the two schools of a dual registration). A
pupil's absence rate is log-normal with a median of about 4.9% and a log-scale sd of
0.84, shifted by their hidden ``attendance_risk`` (higher with FSM, SEN and in the older
year groups), which gives an overall absence rate of about 7% and about 20% of pupils
persistently absent (10% or more of sessions missed). About 70% of absence is authorised,
less for pupils who miss the most.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from schema.inputs import ABSENCE

MEDIAN_RATE = 0.0485
LOG_SD = 0.84


def absence_frame(rng: np.random.Generator, rows: pl.DataFrame, academic_year: str) -> pl.DataFrame:
    """One absence row per census registration, in the census's order."""
    n = rows.height
    status = rows["enrolment_status"].to_numpy()
    joined_late = rng.random(n) < 0.03
    possible = np.select(
        [status == "S", status == "M", joined_late],
        [rng.integers(30, 101, n), rng.integers(200, 281, n), rng.integers(120, 300, n)],
        rng.integers(300, 331, n),
    )
    risk = rows["attendance_risk"].to_numpy()
    spread = risk.std() if n > 1 and risk.std() > 0 else 1.0
    z = (risk - risk.mean()) / spread
    rate = np.minimum(MEDIAN_RATE * np.exp(LOG_SD * z), 0.9)
    absent = rng.binomial(possible, rate)
    authorised_share = np.clip(0.78 - 0.9 * rate, 0.3, 0.9)
    authorised = rng.binomial(absent, authorised_share)
    return pl.DataFrame(
        {
            "academic_year": [academic_year] * n,
            "upn": rows["upn"],
            "laestab": rows["laestab"],
            "possible_sessions": possible,
            "authorised_absence": authorised,
            "unauthorised_absence": absent - authorised,
        }
    ).cast(ABSENCE.polars_schema())
