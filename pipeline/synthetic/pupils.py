"""The pupil register of the synthetic borough: one row per pupil with every census item
plus the hidden traits the results are drawn from.

Pupils are placed school by school and NC year by NC year (see ``schools``), then given a
home ward near their school, an LSOA, a date of birth consistent with their NC year, and
the characteristics of ``characteristics``. ``ability`` (a standard normal trait lowered
by disadvantage and SEN, plus a school effect) drives the KS2 and KS4 results and
``attendance_risk`` the absence. Pupils with a dual registration get a second school.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import polars as pl

from pipeline.synthetic import characteristics as traits
from pipeline.synthetic.academic_calendar import august_31_before, draw_dates_of_birth
from pipeline.synthetic.geography import (
    Geography,
    draw_home_wards,
    draw_lsoas,
    draw_postcodes,
)
from pipeline.synthetic.names import draw_names
from pipeline.synthetic.schools import PRIMARY, SECONDARY, SPECIAL, Schools
from pipeline.synthetic.upn import NEIGHBOURING_LAS, build_upns
from schema import codes

OWN_WARD_SHARE = {PRIMARY: 0.65, SECONDARY: 0.35, SPECIAL: 0.10}
NEIGHBOUR_SHARE = {PRIMARY: 0.30, SECONDARY: 0.50, SPECIAL: 0.30}
MALE_SHARE = {PRIMARY: 0.51, SECONDARY: 0.51, SPECIAL: 0.72}
MOVED_IN_SHARE = 0.05
"""Share of pupils whose UPN another LA allocated (EAL pupils four times as often)."""


def _per_phase(values: dict[str, float], phase: np.ndarray) -> np.ndarray:
    return np.select([phase == p for p in values], list(values.values()))


def _allocating_schools(
    rng: np.random.Generator,
    schools: Schools,
    school: np.ndarray,
    phase: np.ndarray,
    eal: np.ndarray,
    la_number: int,
) -> tuple[np.ndarray, np.ndarray]:
    """LA number and establishment number of the school that allocated each UPN."""
    n = school.size
    estab = np.array([int(s[3:]) for s in schools.laestab], dtype=np.int64)
    primaries = np.flatnonzero(schools.phase == PRIMARY)
    feeder = estab[primaries[rng.integers(0, primaries.size, n)]]
    own = estab[school]
    stayed = (phase == PRIMARY) & (rng.random(n) < 0.85)
    allocating_estab = np.where(stayed, own, feeder)
    others = np.array([la for la in NEIGHBOURING_LAS if la != la_number], dtype=np.int64)
    moved_in = rng.random(n) < MOVED_IN_SHARE * np.where(eal, 4.0, 0.85)
    la = np.where(moved_in, others[rng.integers(0, others.size, n)], la_number)
    allocating_estab = np.where(moved_in, rng.integers(2000, 3000, n), allocating_estab)
    return la, allocating_estab


def _second_schools(
    rng: np.random.Generator, schools: Schools, school: np.ndarray, nc_index: np.ndarray
) -> np.ndarray:
    """A school other than the pupil's own that teaches their NC year (special 70%)."""
    second = np.empty(school.size, dtype=np.int64)
    offers = schools.pupils_by_year > 0
    for i, (own, year) in enumerate(zip(school.tolist(), nc_index.tolist(), strict=True)):
        candidates = np.flatnonzero(offers[:, year] & (np.arange(schools.count) != own))
        special = candidates[schools.phase[candidates] == SPECIAL]
        pool = special if special.size and rng.random() < 0.7 else candidates
        second[i] = pool[rng.integers(0, pool.size)]
    return second


def make_register(
    rng: np.random.Generator,
    geography: Geography,
    schools: Schools,
    census_date: date,
    la_number: int,
) -> pl.DataFrame:
    """One row per pupil: census items, school index, second school and hidden traits."""
    school_idx, nc_index = np.nonzero(schools.pupils_by_year)
    counts = schools.pupils_by_year[school_idx, nc_index]
    school = np.repeat(school_idx, counts)
    nc = np.repeat(nc_index, counts)
    n = school.size
    phase = schools.phase[school]
    special = phase == SPECIAL

    home_ward = draw_home_wards(
        rng,
        geography,
        schools.ward[school],
        _per_phase(OWN_WARD_SHARE, phase),
        _per_phase(NEIGHBOUR_SHARE, phase),
    )
    lsoa = draw_lsoas(rng, geography, home_ward)
    idaci = geography.lsoa_idaci[lsoa]
    male = rng.random(n) < _per_phase(MALE_SHARE, phase)
    mix = traits.ward_ethnicity_mix(rng, geography.ward_diversity)
    ethnicity = traits.draw_ethnicity(rng, mix, home_ward)
    first_language = traits.draw_first_language(rng, ethnicity)
    eal = np.isin(first_language, list(codes.EAL_CODES))
    sen = traits.draw_sen(rng, male, nc, idaci, special)
    fsm, fsm6 = traits.draw_fsm(rng, idaci, sen, nc)
    dual = traits.draw_dual_registration(rng, sen, nc, special)
    forename, surname = draw_names(rng, traits.draw_name_pools(rng, ethnicity), male)

    school_effect = rng.normal(0.0, 0.25, schools.count)
    ability = (
        rng.normal(0.0, 1.0, n)
        - 0.40 * fsm
        - 0.15 * (fsm6 & ~fsm)
        - np.select([sen == "K", sen == "E"], [0.9, 1.9], 0.0)
        - 0.6 * idaci
        + school_effect[school]
    )
    ability = (ability - ability.mean()) / ability.std()
    attendance_risk = (
        rng.normal(0.0, 1.0, n)
        + 0.55 * fsm
        + np.select([sen == "K", sen == "E"], [0.35, 0.45], 0.0)
        + 0.06 * np.maximum(nc - 6, 0)
    )
    reference_year = august_31_before(census_date).year
    la, allocating_estab = _allocating_schools(rng, schools, school, phase, eal, la_number)
    upn = build_upns(rng, la, allocating_estab, reference_year - nc)
    second = np.full(n, -1, dtype=np.int64)
    dual_rows = np.flatnonzero(dual)
    second[dual_rows] = _second_schools(rng, schools, school[dual_rows], nc[dual_rows])

    return pl.DataFrame(
        {
            "pupil": np.arange(n),
            "school": school,
            "second_school": second,
            "nc_index": nc,
            "upn": upn,
            "legal_surname": surname,
            "forename": forename,
            "date_of_birth": draw_dates_of_birth(rng, nc, census_date),
            "sex": np.where(male, "M", "F"),
            "postcode": draw_postcodes(rng, geography, lsoa),
            "ward_code": geography.ward_code[home_ward],
            "lsoa_code": geography.lsoa_code[lsoa],
            "nc_year": np.array(codes.NC_YEARS, dtype=object)[nc],
            "ethnicity": traits.ETHNICITY_CODES[ethnicity],
            "first_language": first_language,
            "fsm_eligible": fsm,
            "fsm6": fsm6,
            "sen_provision": sen,
            "idaci_score": idaci,
            "phase": phase,
            "deprivation": geography.ward_deprivation[home_ward],
            "ability": ability,
            "attendance_risk": attendance_risk,
        },
        schema_overrides={"date_of_birth": pl.Date},
    )
