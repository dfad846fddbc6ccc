"""The consent register of the synthetic borough (append-only, in recording order).

- Research opt-outs for about 2% of pupils: recorded by a parent (sometimes a carer) while
  the pupil was under 16, by the young person from 16. Most took effect before the census
  date; about 7% take effect after it and about 8% were withdrawn before it.
- Parental restrictions on what is passed to Youth Support Services (section 507B) for
  about 4% of pupils aged 13-15 at the census, recorded by a parent or carer since the
  pupil turned 13, and restrictions asked for by about 1.5% of young people aged 16+.

``source_ref`` numbers the rows in recording order: ``CR-000001``, ``CR-000002``, ...
"""

from __future__ import annotations

from datetime import date

import numpy as np
import polars as pl

from pipeline.synthetic.academic_calendar import add_years, age_on
from schema.inputs import CONSENT

OPT_OUT_RATE = 0.02
OPT_OUT_FUTURE_SHARE = 0.07
OPT_OUT_WITHDRAWN_SHARE = 0.08
PARENTAL_RESTRICTION_RATE = 0.04
YOUNG_PERSON_RESTRICTION_RATE = 0.015
CARER_SHARE = 0.1


def _uniform_days(rng: np.random.Generator, first: np.ndarray, last: np.ndarray) -> np.ndarray:
    """A day drawn uniformly between ``first`` and ``last`` (inclusive) per row."""
    last = np.maximum(first, last)
    span = (last - first).astype(np.int64) + 1
    return first + np.floor(rng.random(first.size) * span).astype("timedelta64[D]")


def _recorded_by(rng: np.random.Generator, dob: np.ndarray, recorded_on: np.ndarray) -> np.ndarray:
    """``young_person`` from the 16th birthday, else ``parent`` (sometimes ``carer``)."""
    grown_up = recorded_on >= add_years(dob, 16)
    adult = np.where(rng.random(dob.size) < CARER_SHARE, "carer", "parent")
    return np.where(grown_up, "young_person", adult).astype(object)


def _opt_outs(rng: np.random.Generator, pupils: pl.DataFrame, census: np.datetime64) -> dict:
    chosen = rng.random(pupils.height) < OPT_OUT_RATE
    upn = pupils["upn"].to_numpy()[chosen]
    dob = pupils["date_of_birth"].to_numpy().astype("datetime64[D]")[chosen]
    n = upn.size
    u = rng.random(n)
    future = u < OPT_OUT_FUTURE_SHARE
    withdrawn = ~future & (u < OPT_OUT_FUTURE_SHARE + OPT_OUT_WITHDRAWN_SHARE)
    earliest = np.maximum(add_years(dob, 4), census - np.timedelta64(6 * 365, "D"))
    day = np.timedelta64(1, "D")
    recorded = np.where(
        future,
        census + rng.integers(-10, 21, n) * day,
        _uniform_days(rng, earliest, census - np.where(withdrawn, 75, 15) * day),
    )
    lag = rng.integers(0, 15, n) * day
    effective = np.where(future, np.maximum(recorded, census + day) + lag, recorded + lag)
    gap = (census - day - (effective + day)).astype(np.int64)
    withdrawn_on = effective + day + np.floor(rng.random(n) * np.maximum(gap, 1)) * day
    return {
        "upn": upn,
        "consent_type": np.full(n, "research_opt_out", dtype=object),
        "recorded_by": _recorded_by(rng, dob, recorded),
        "recorded_on": recorded,
        "effective_from": effective,
        "withdrawn_on": np.where(withdrawn, withdrawn_on, np.datetime64("NaT")),
    }


def _restrictions(
    rng: np.random.Generator, pupils: pl.DataFrame, census: np.datetime64, census_date: date
) -> dict:
    dob_all = pupils["date_of_birth"].to_numpy().astype("datetime64[D]")
    age = age_on(dob_all, census_date)
    u = rng.random(pupils.height)
    parental = (age >= 13) & (age <= 15) & (u < PARENTAL_RESTRICTION_RATE)
    young = (age >= 16) & (u < YOUNG_PERSON_RESTRICTION_RATE)
    chosen = parental | young
    dob = dob_all[chosen]
    from_age = np.where(parental[chosen], 13, 16)
    birthday = np.where(from_age == 13, add_years(dob, 13), add_years(dob, 16))
    earliest = np.maximum(birthday, census - np.timedelta64(3 * 365, "D"))
    recorded = _uniform_days(rng, earliest, np.full(dob.size, census))
    n = dob.size
    return {
        "upn": pupils["upn"].to_numpy()[chosen],
        "consent_type": np.full(n, "parental_restriction", dtype=object),
        "recorded_by": _recorded_by(rng, dob, recorded),
        "recorded_on": recorded,
        "effective_from": recorded,
        "withdrawn_on": np.full(n, np.datetime64("NaT"), dtype="datetime64[D]"),
    }


def consent_frame(
    rng: np.random.Generator, pupils: pl.DataFrame, census_date: date
) -> pl.DataFrame:
    """The register for ``pupils`` (one row per pupil), in recording order."""
    census = np.datetime64(census_date, "D")
    parts = [_opt_outs(rng, pupils, census), _restrictions(rng, pupils, census, census_date)]
    frame = pl.concat(
        [
            pl.DataFrame(
                {
                    k: (v.astype("datetime64[D]") if k.endswith(("_on", "_from")) else v)
                    for k, v in part.items()
                }
            )
            for part in parts
        ]
    )
    frame = frame.with_columns(
        pl.col(c).cast(pl.Date) for c in ("recorded_on", "effective_from", "withdrawn_on")
    )
    frame = frame.sort("recorded_on", "consent_type", "upn")
    return frame.with_columns(
        pl.format("CR-{}", pl.int_range(1, frame.height + 1).cast(pl.Utf8).str.zfill(6)).alias(
            "source_ref"
        )
    ).select([pl.col(name).cast(dtype) for name, dtype in CONSENT.polars_schema().items()])
