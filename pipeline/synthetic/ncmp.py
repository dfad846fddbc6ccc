"""Child measurements (NCMP) of the synthetic borough: Reception and Year 6.

About 95% of Reception and Year 6 pupils are measured (80% in special schools), on a
school weekday between November and early July of the academic year. BMI is drawn as a
z-score on the approximate reference of ``bmi_reference``: Normal(0.25, 1.1) in Reception
and Normal(0.6, 1.35) in Year 6, raised in deprived LSOAs, which puts about 10% of
Reception and 22% of Year 6 children at or above the 95th centile (living with obesity)
and 1-3% at or below the 2nd (underweight). Height follows age; weight is BMI x height^2.
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import polars as pl

from pipeline.synthetic.academic_calendar import august_31_before
from pipeline.synthetic.bmi_reference import HEIGHT_CV, bmi_from_z, median_height
from schema.inputs import NCMP

BMI_Z = {"R": (0.25, 1.1), "6": (0.6, 1.35)}
"""Mean and sd of the BMI z-score by school year."""
DEPRIVATION_EFFECT = 0.6
"""Shift of the BMI z-score per unit of IDACI score above the borough mean."""
PARTICIPATION = {"mainstream": 0.95, "special": 0.80}


def _school_days(census_date: date) -> np.ndarray:
    """Weekdays from 1 November to 10 July of the academic year of ``census_date``."""
    start_year = august_31_before(census_date).year
    first = date(start_year, 11, 1)
    last = date(start_year + 1, 7, 10)
    days = np.arange(np.datetime64(first), np.datetime64(last + timedelta(days=1)))
    return days[np.is_busday(days)]


def ncmp_frame(
    rng: np.random.Generator, rows: pl.DataFrame, academic_year: str, census_date: date
) -> pl.DataFrame:
    """One measurement row per measured Reception and Year 6 pupil, by school and UPN."""
    cohort = rows.filter(
        pl.col("nc_year").is_in(list(BMI_Z)) & (pl.col("enrolment_status") != "S")
    ).sort("laestab", "upn")
    special = (cohort["school_phase"] == "special").to_numpy()
    measured = rng.random(cohort.height) < np.where(
        special, PARTICIPATION["special"], PARTICIPATION["mainstream"]
    )
    cohort = cohort.filter(pl.Series(measured))
    n = cohort.height
    days = _school_days(census_date)
    when = days[rng.integers(0, days.size, n)]
    dob = cohort["date_of_birth"].to_numpy().astype("datetime64[D]")
    age = (when - dob).astype(np.int64) / 365.25
    male = (cohort["sex"] == "M").to_numpy()
    year = cohort["nc_year"].to_numpy()
    idaci = cohort["idaci_score"].to_numpy()
    mean = np.where(year == "R", BMI_Z["R"][0], BMI_Z["6"][0])
    sd = np.where(year == "R", BMI_Z["R"][1], BMI_Z["6"][1])
    centred = idaci - (idaci.mean() if n else 0.0)
    z = np.clip(mean + DEPRIVATION_EFFECT * centred + sd * rng.normal(0.0, 1.0, n), -4.0, 4.0)
    bmi = bmi_from_z(z, age, male)
    height = median_height(age) * (1 + HEIGHT_CV * np.clip(rng.normal(0.0, 1.0, n), -3.5, 3.5))
    height = np.round(height, 1)
    weight = np.round(bmi * (height / 100) ** 2, 1)
    return pl.DataFrame(
        {
            "academic_year": [academic_year] * n,
            "upn": cohort["upn"],
            "laestab": cohort["laestab"],
            "school_year": year,
            "measurement_date": when,
            "height_cm": height,
            "weight_kg": weight,
        },
        schema_overrides={"measurement_date": pl.Date},
    ).cast(NCMP.polars_schema())
