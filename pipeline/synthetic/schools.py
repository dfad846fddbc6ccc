"""The schools of the synthetic borough and how many pupils each has in each NC year.

About 125 schools, as in an English metropolitan borough: 100 primaries (Reception to
Year 6; rolls of half to three forms of entry, 60-630, and four very small schools of
25-60), 20 secondaries (Years 7-11 of 600-1,450 pupils; half with a sixth form) and 5
special schools (40-150 pupils aged 4-18). Rolls are then scaled so that the census holds
the number of pupils asked for. LAESTAB is the LA number and a 4-digit establishment
number (primary 2xxx, secondary 4xxx, special 7xxx); URNs are 6 digits from 900000.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from pipeline.synthetic.geography import Geography
from pipeline.synthetic.names import SCHOOL_FEATURES, invented_place_names
from schema import codes

PRIMARY, SECONDARY, SPECIAL = codes.PHASES
SCHOOLS_BY_PHASE: dict[str, int] = {PRIMARY: 100, SECONDARY: 20, SPECIAL: 5}
PHASE_SHARE: dict[str, float] = {PRIMARY: 0.565, SECONDARY: 0.425, SPECIAL: 0.010}
"""Share of the census in each phase (about 1% of pupils in special schools)."""
ESTABLISHMENT_BASE: dict[str, int] = {PRIMARY: 2000, SECONDARY: 4000, SPECIAL: 7000}
VERY_SMALL_PRIMARIES = 4
FORMS_OF_ENTRY = (0.5, 1.0, 1.5, 2.0, 3.0)
FORMS_OF_ENTRY_WEIGHTS = (0.10, 0.38, 0.18, 0.26, 0.08)
SIXTH_FORM_SHARE = 0.5


@dataclass(frozen=True)
class Schools:
    """One entry per school, in LAESTAB order, as parallel numpy arrays."""

    laestab: np.ndarray
    urn: np.ndarray
    name: np.ndarray
    phase: np.ndarray
    ward: np.ndarray
    """Index of the ward the school is in."""
    pupils_by_year: np.ndarray
    """(schools, 14) pupils on roll in each NC year (index 0 = Reception)."""

    @property
    def count(self) -> int:
        return self.laestab.size


def _phase_rolls(rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Unscaled rolls: (schools, 14) pupils by NC year of each phase's schools."""
    primary_rolls = (
        rng.choice(FORMS_OF_ENTRY, SCHOOLS_BY_PHASE[PRIMARY], p=FORMS_OF_ENTRY_WEIGHTS)
        * 210
        * rng.uniform(0.82, 0.96, SCHOOLS_BY_PHASE[PRIMARY])
    )
    primary_rolls[:VERY_SMALL_PRIMARIES] = rng.uniform(25, 60, VERY_SMALL_PRIMARIES)
    primary = np.zeros((SCHOOLS_BY_PHASE[PRIMARY], 14))
    primary[:, 0:7] = primary_rolls[:, None] / 7

    secondary = np.zeros((SCHOOLS_BY_PHASE[SECONDARY], 14))
    main_school = rng.uniform(600, 1450, SCHOOLS_BY_PHASE[SECONDARY])
    secondary[:, 7:12] = main_school[:, None] / 5
    with_sixth_form = rng.permutation(SCHOOLS_BY_PHASE[SECONDARY]) < round(
        SIXTH_FORM_SHARE * SCHOOLS_BY_PHASE[SECONDARY]
    )
    sixth_form = main_school * rng.uniform(0.12, 0.25, SCHOOLS_BY_PHASE[SECONDARY])
    secondary[:, 12] = np.where(with_sixth_form, 0.55 * sixth_form, 0.0)
    secondary[:, 13] = np.where(with_sixth_form, 0.45 * sixth_form, 0.0)

    special_rolls = rng.uniform(40, 150, SCHOOLS_BY_PHASE[SPECIAL])
    age_weights = 0.5 + np.arange(14) / 13
    special = special_rolls[:, None] * age_weights[None, :] / age_weights.sum()
    return {PRIMARY: primary, SECONDARY: secondary, SPECIAL: special}


def _largest_remainder(values: np.ndarray, total: int) -> np.ndarray:
    """Round non-negative ``values`` to integers that sum to ``total``."""
    scaled = values / values.sum() * total if values.sum() > 0 else values
    floors = np.floor(scaled).astype(np.int64)
    short = total - int(floors.sum())
    order = np.argsort(-(scaled - floors), kind="stable")
    floors[order[:short]] += 1
    return floors


def _cohorts(rng: np.random.Generator, expected: np.ndarray, total: int) -> np.ndarray:
    """Whole pupils per school and NC year, summing to ``total``, near ``expected``."""
    noisy = expected * np.exp(rng.normal(0.0, 0.08, expected.shape))
    return _largest_remainder(noisy.ravel(), total).reshape(expected.shape)


def _school_names(
    rng: np.random.Generator, phases: list[str], ward_names: np.ndarray, wards: np.ndarray
) -> list[str]:
    places = invented_place_names(rng, len(phases))
    names: list[str] = []
    taken: set[str] = set()
    for i, phase in enumerate(phases):
        ward_place = str(ward_names[wards[i]])
        feature = SCHOOL_FEATURES[int(rng.integers(0, len(SCHOOL_FEATURES)))]
        style = int(rng.integers(0, 3))
        place = places[i] if style == 0 else ward_place
        if phase == PRIMARY:
            options = (
                f"{place} Primary School",
                f"{place} {feature} Primary School",
                f"{place} Community Primary School",
            )
        elif phase == SECONDARY:
            options = (f"{place} High School", f"{place} Academy", f"{place} {feature} Academy")
        else:
            options = (f"{place} School", f"{place} {feature} School", f"{place} Special School")
        name = next((o for o in (options[style], *options) if o not in taken), None)
        if name is None:
            name = f"{places[i]} {feature} {phase.title()} School"
        taken.add(name)
        names.append(name)
    return names


def make_schools(
    rng: np.random.Generator, geography: Geography, la_number: int, pupils: int
) -> Schools:
    """Draw the schools and their cohorts so that they hold ``pupils`` pupils in all."""
    rolls = _phase_rolls(rng)
    phase_totals = _largest_remainder(np.array(list(PHASE_SHARE.values())), pupils)
    phases: list[str] = []
    cohorts: list[np.ndarray] = []
    estabs: list[int] = []
    for (phase, expected), total in zip(rolls.items(), phase_totals, strict=True):
        count = expected.shape[0]
        phases += [phase] * count
        cohorts.append(_cohorts(rng, expected, int(total)))
        numbers = rng.choice(np.arange(1, 1000), size=count, replace=False)
        estabs += [ESTABLISHMENT_BASE[phase] + int(n) for n in numbers]
    pupils_by_year = np.vstack(cohorts)
    wards = _school_wards(rng, geography, phases)
    names = _school_names(rng, phases, geography.ward_name, wards)
    urns = rng.choice(np.arange(900_000, 1_000_000), size=len(phases), replace=False)
    order = np.argsort(np.array(estabs), kind="stable")
    return Schools(
        laestab=np.array([f"{la_number:03d}{estabs[i]:04d}" for i in order], dtype=object),
        urn=np.array([f"{urns[i]:06d}" for i in order], dtype=object),
        name=np.array([names[i] for i in order], dtype=object),
        phase=np.array([phases[i] for i in order], dtype=object),
        ward=wards[order],
        pupils_by_year=pupils_by_year[order],
    )


def _school_wards(rng: np.random.Generator, geography: Geography, phases: list[str]) -> np.ndarray:
    """Primaries spread evenly over the wards (4 each); other schools anywhere."""
    wards = np.empty(len(phases), dtype=np.int64)
    phase_array = np.array(phases)
    primary = np.flatnonzero(phase_array == PRIMARY)
    wards[primary] = rng.permutation(np.resize(np.arange(geography.wards), primary.size))
    others = np.flatnonzero(phase_array != PRIMARY)
    wards[others] = rng.integers(0, geography.wards, others.size)
    return wards
