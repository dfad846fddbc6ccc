"""Key stage 2 and key stage 4 results of the synthetic borough.

Both are drawn from each pupil's hidden ``ability`` (see ``pupils``), so they are lower
for disadvantaged pupils and pupils with SEN, as in the published statistics.

- KS2 (every Year 6 pupil): reading and maths scaled scores 80-120 (mean about 105,
  sd about 7), or a non-score code (A absent, B working below the test standard, T unable
  to access) with no score; writing teacher assessment GDS/EXS/WTS (pre-key-stage codes
  in special schools); about 60% reach the expected standard in reading, writing and
  maths combined.
- KS4 (every Year 11 pupil): English and maths grades 0-9, Attainment 8 as twice English
  plus twice maths plus six other slots (0-90, mean about 46), Progress 8 as (A8 minus the
  borough's mean A8 of pupils with similar KS2 prior attainment) / 10 (sd about 1.2),
  missing for pupils with no KS2 prior attainment.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from schema.inputs import KS2, KS4

PRIOR_GROUPS = 20


def _main_rows(rows: pl.DataFrame, nc_year: str) -> pl.DataFrame:
    return rows.filter((pl.col("nc_year") == nc_year) & (pl.col("enrolment_status") != "S")).sort(
        "laestab", "upn"
    )


def _scaled_scores(
    rng: np.random.Generator, ability: np.ndarray, special: np.ndarray, sen_e: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """One KS2 test: scaled scores (nan when there is a code) and non-score codes."""
    n = ability.size
    latent = 0.8 * ability + 0.6 * rng.normal(0.0, 1.0, n)
    score = np.clip(np.round(104.8 + 7.0 * latent), 80, 120)
    u = rng.random(n)
    below = (special & (u < 0.75)) | (sen_e & ~special & (latent < -1.6) & (u < 0.6))
    code = np.full(n, None, dtype=object)
    code[below] = "B"
    unable = ~below & (special | sen_e) & (u > 0.97)
    code[unable] = "T"
    absent = ~below & ~unable & (rng.random(n) < 0.01)
    code[absent] = "A"
    score = np.where(code == None, score, np.nan)  # noqa: E711 - element-wise on objects
    return score, code


def _writing(rng: np.random.Generator, ability: np.ndarray, special: np.ndarray) -> np.ndarray:
    latent = 0.8 * ability + 0.6 * rng.normal(0.0, 1.0, ability.size)
    mainstream = np.select(
        [latent > 1.25, latent > -0.7, latent > -2.2], ["GDS", "EXS", "WTS"], "PK4"
    )
    pre_key_stage = np.array(["PK4", "PK3", "PK2", "PK1", "BLW"], dtype=object)
    level = np.clip(np.floor(-(latent + 1.5)), 0, 4).astype(np.int64)
    return np.where(special, pre_key_stage[level], mainstream).astype(object)


def ks2_frame(rng: np.random.Generator, rows: pl.DataFrame, academic_year: str) -> pl.DataFrame:
    """One KS2 row per Year 6 pupil, in school and UPN order."""
    cohort = _main_rows(rows, "6")
    ability = cohort["ability"].to_numpy()
    special = (cohort["school_phase"] == "special").to_numpy()
    sen_e = (cohort["sen_provision"] == "E").to_numpy()
    reading, reading_code = _scaled_scores(rng, ability, special, sen_e)
    maths, maths_code = _scaled_scores(rng, ability, special, sen_e)
    both_below = reading_code == "B"
    maths_code[both_below] = "B"  # working below the standard applies to both tests
    maths[both_below] = np.nan
    return pl.DataFrame(
        {
            "academic_year": [academic_year] * cohort.height,
            "upn": cohort["upn"],
            "laestab": cohort["laestab"],
            "reading_score": reading,
            "reading_code": reading_code.tolist(),
            "maths_score": maths,
            "maths_code": maths_code.tolist(),
            "writing_ta": _writing(rng, ability, special),
        },
        schema_overrides={"reading_code": pl.Utf8, "maths_code": pl.Utf8},
        nan_to_null=True,
    ).cast(KS2.polars_schema())


def _grades(rng: np.random.Generator, latent: np.ndarray, centre: float) -> np.ndarray:
    noisy = 0.8 * latent + 0.6 * rng.normal(0.0, 1.0, latent.size)
    return np.clip(np.round(centre + 2.0 * noisy), 0, 9).astype(np.int64)


def ks4_frame(rng: np.random.Generator, rows: pl.DataFrame, academic_year: str) -> pl.DataFrame:
    """One KS4 row per Year 11 pupil, in school and UPN order."""
    cohort = _main_rows(rows, "11")
    n = cohort.height
    ability = cohort["ability"].to_numpy()
    special = (cohort["school_phase"] == "special").to_numpy()
    english = _grades(rng, ability, 4.7)
    maths = _grades(rng, ability, 4.5)
    level = (english + maths) / 2 + rng.normal(0.4, 0.8, n)
    slots = level[:, None] + rng.normal(0.0, 1.2, (n, 6))
    slots = np.clip(np.round(2 * slots) / 2, 0, 9)
    entered = rng.random((n, 6)) < 1 / (1 + np.exp(-(2.8 + 1.2 * ability)))[:, None]
    attainment8 = 2 * english + 2 * maths + (slots * entered).sum(axis=1)

    prior = ability + rng.normal(0.0, 0.45, n)
    no_prior = rng.random(n) < np.where(special, 0.5, 0.04)
    progress8 = np.full(n, np.nan)
    if (~no_prior).any():
        with_prior = np.flatnonzero(~no_prior)
        ranks = np.argsort(np.argsort(prior[with_prior], kind="stable"), kind="stable")
        group = ranks * PRIOR_GROUPS // with_prior.size
        sums = np.bincount(group, weights=attainment8[with_prior], minlength=PRIOR_GROUPS)
        sizes = np.bincount(group, minlength=PRIOR_GROUPS)
        estimate = sums / np.maximum(sizes, 1)
        progress8[with_prior] = np.round((attainment8[with_prior] - estimate[group]) / 10, 2)
    return pl.DataFrame(
        {
            "academic_year": [academic_year] * n,
            "upn": cohort["upn"],
            "laestab": cohort["laestab"],
            "attainment8": attainment8,
            "progress8": progress8,
            "english_grade": english,
            "maths_grade": maths,
        },
        nan_to_null=True,
    ).cast(KS4.polars_schema())
