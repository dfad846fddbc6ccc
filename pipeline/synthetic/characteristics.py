"""Census characteristics of the synthetic pupils: ethnicity, first language, SEN, FSM.

Each characteristic is drawn with probabilities that depend on the pupil's home ward and
LSOA, so that the mix varies across the borough as it does in an English metropolitan
borough:

- ethnicity: a borough-wide mix of the DfE extended codes (about 70% White British), the
  non-White-British shares scaled by the ward's diversity;
- first language: other than English (EAL) with a probability that depends on ethnicity
  (10-20% of pupils overall);
- SEN provision: SEN support (K) about 13% and EHC plan (E) about 2.5% overall, more
  often boys, more often in deprived LSOAs, fewer in Reception; special-school pupils
  mostly have an EHC plan;
- FSM: a logistic function of the LSOA's IDACI score and SEN, calibrated to 25% overall;
  Ever-6 FSM includes every FSM pupil plus some who were eligible in the past six years.
"""

from __future__ import annotations

import numpy as np

from schema import codes

ETHNICITY_MIX: dict[str, float] = {
    "WBRI": 0.700,
    "WIRI": 0.004,
    "WIRT": 0.002,
    "WOTH": 0.060,
    "WROM": 0.004,
    "MWBC": 0.016,
    "MWBA": 0.007,
    "MWAS": 0.011,
    "MOTH": 0.013,
    "AIND": 0.014,
    "APKN": 0.030,
    "ABAN": 0.008,
    "AOTH": 0.012,
    "BCRB": 0.003,
    "BAFR": 0.045,
    "BOTH": 0.005,
    "CHNE": 0.007,
    "OOTH": 0.020,
    "REFU": 0.024,
    "NOBT": 0.005,
}
"""Borough-wide share of each DfE extended ethnicity code (sums to 1)."""

EAL_BY_ETHNICITY: dict[str, float] = {
    "WBRI": 0.004,
    "WIRI": 0.02,
    "WIRT": 0.05,
    "WOTH": 0.65,
    "WROM": 0.70,
    "MWBC": 0.02,
    "MWBA": 0.12,
    "MWAS": 0.25,
    "MOTH": 0.20,
    "AIND": 0.60,
    "APKN": 0.70,
    "ABAN": 0.75,
    "AOTH": 0.65,
    "BCRB": 0.03,
    "BAFR": 0.65,
    "BOTH": 0.45,
    "CHNE": 0.65,
    "OOTH": 0.65,
    "REFU": 0.15,
    "NOBT": 0.30,
}
"""Probability that a pupil of each ethnicity has a first language other than English."""

NAME_POOL_BY_ETHNICITY: dict[str, tuple[float, float, float, float, float]] = {
    # british, south_asian, african_caribbean, east_european, east_asian
    "WBRI": (1.0, 0.0, 0.0, 0.0, 0.0),
    "WIRI": (1.0, 0.0, 0.0, 0.0, 0.0),
    "WIRT": (1.0, 0.0, 0.0, 0.0, 0.0),
    "WOTH": (0.3, 0.0, 0.0, 0.7, 0.0),
    "WROM": (0.2, 0.0, 0.0, 0.8, 0.0),
    "MWBC": (0.7, 0.0, 0.3, 0.0, 0.0),
    "MWBA": (0.6, 0.0, 0.4, 0.0, 0.0),
    "MWAS": (0.6, 0.4, 0.0, 0.0, 0.0),
    "MOTH": (0.6, 0.1, 0.1, 0.1, 0.1),
    "AIND": (0.05, 0.95, 0.0, 0.0, 0.0),
    "APKN": (0.0, 1.0, 0.0, 0.0, 0.0),
    "ABAN": (0.0, 1.0, 0.0, 0.0, 0.0),
    "AOTH": (0.1, 0.7, 0.0, 0.0, 0.2),
    "BCRB": (0.7, 0.0, 0.3, 0.0, 0.0),
    "BAFR": (0.1, 0.0, 0.9, 0.0, 0.0),
    "BOTH": (0.3, 0.0, 0.7, 0.0, 0.0),
    "CHNE": (0.3, 0.0, 0.0, 0.0, 0.7),
    "OOTH": (0.3, 0.3, 0.1, 0.1, 0.2),
    "REFU": (0.7, 0.1, 0.1, 0.1, 0.0),
    "NOBT": (0.7, 0.1, 0.1, 0.1, 0.0),
}
"""Origin of the name lists a pupil's names are drawn from, by ethnicity."""

SEN_SUPPORT_RATE = 0.13
EHC_PLAN_RATE = 0.025
SPECIAL_SCHOOL_SEN = {"E": 0.92, "K": 0.08}
FSM_RATE = 0.25
DUAL_REGISTRATION_RATE = 0.003

ETHNICITY_CODES = np.array(codes.ETHNICITY, dtype=object)
_SEN = np.array(codes.SEN_PROVISION, dtype=object)  # N, K, E


def _draw_categories(rng: np.random.Generator, probabilities: np.ndarray) -> np.ndarray:
    """One category index per row of ``probabilities`` (rows sum to 1)."""
    cumulative = np.cumsum(probabilities, axis=1)
    u = rng.random(probabilities.shape[0]) * cumulative[:, -1]
    return np.minimum((u[:, None] >= cumulative).sum(axis=1), probabilities.shape[1] - 1)


def ward_ethnicity_mix(rng: np.random.Generator, diversity: np.ndarray) -> np.ndarray:
    """(wards, codes) ethnicity probabilities: the borough mix scaled by ward diversity."""
    base = np.array([ETHNICITY_MIX[c] for c in codes.ETHNICITY])
    noise = rng.gamma(20.0, 1 / 20.0, (diversity.size, base.size))
    mix = base[None, :] * noise * diversity[:, None]
    white_british = codes.ETHNICITY.index("WBRI")
    others = mix.sum(axis=1) - mix[:, white_british]
    others_cap = np.minimum(others, 0.6)
    mix *= (others_cap / others)[:, None]
    mix[:, white_british] = 1.0 - others_cap
    return mix


def draw_ethnicity(rng: np.random.Generator, mix: np.ndarray, home_ward: np.ndarray) -> np.ndarray:
    """Index (into ``codes.ETHNICITY``) of each pupil's ethnicity, by home ward."""
    return _draw_categories(rng, mix[home_ward])


def draw_first_language(rng: np.random.Generator, ethnicity: np.ndarray) -> np.ndarray:
    """First language code: OTH/OTB for EAL pupils, else mostly ENG (a few ENB, NOT)."""
    p_eal = np.array([EAL_BY_ETHNICITY[c] for c in codes.ETHNICITY])[ethnicity]
    eal = rng.random(ethnicity.size) < p_eal
    u = rng.random(ethnicity.size)
    english = np.where(u < 0.96, "ENG", np.where(u < 0.99, "ENB", "NOT"))
    other = np.where(u < 0.95, "OTH", "OTB")
    return np.where(eal, other, english).astype(object)


def draw_name_pools(rng: np.random.Generator, ethnicity: np.ndarray) -> np.ndarray:
    """Index (into ``names.NAME_POOLS``) of the name lists of each pupil, by ethnicity."""
    table = np.array([NAME_POOL_BY_ETHNICITY[c] for c in codes.ETHNICITY])
    return _draw_categories(rng, table[ethnicity])


def draw_sen(
    rng: np.random.Generator,
    male: np.ndarray,
    nc_index: np.ndarray,
    idaci: np.ndarray,
    special: np.ndarray,
) -> np.ndarray:
    """SEN provision (N, K or E) per pupil; the overall K and E rates hit their targets."""
    special_share = special.mean()
    mainstream = ~special
    weight = (
        np.where(male, 1.45, 0.65)
        * np.where(nc_index == 0, 0.6, np.where(nc_index >= 12, 0.7, 1.0))
        * (0.75 + 1.2 * idaci)
    )
    mean_weight = weight[mainstream].mean() if mainstream.any() else 1.0
    targets = {
        "K": (SEN_SUPPORT_RATE - special_share * SPECIAL_SCHOOL_SEN["K"]) / (1 - special_share),
        "E": (EHC_PLAN_RATE - special_share * SPECIAL_SCHOOL_SEN["E"]) / (1 - special_share),
    }
    p_k = targets["K"] * weight / mean_weight
    p_e = targets["E"] * weight / mean_weight
    u = rng.random(male.size)
    mainstream_sen = np.where(u < p_e, 2, np.where(u < p_e + p_k, 1, 0))
    special_sen = np.where(u < SPECIAL_SCHOOL_SEN["E"], 2, 1)
    return _SEN[np.where(special, special_sen, mainstream_sen)]


def _logistic(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def draw_fsm(
    rng: np.random.Generator, idaci: np.ndarray, sen: np.ndarray, nc_index: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """FSM eligibility and Ever-6 FSM; every FSM pupil is Ever-6 FSM."""
    slope = 5.5 * idaci + np.where(sen == "K", 0.5, 0.0) + np.where(sen == "E", 0.8, 0.0)
    low, high = -10.0, 10.0
    for _ in range(60):  # bisection: intercept giving the target FSM rate
        mid = (low + high) / 2
        if _logistic(mid + slope).mean() < FSM_RATE:
            low = mid
        else:
            high = mid
    p_fsm = _logistic((low + high) / 2 + slope)
    fsm = rng.random(idaci.size) < p_fsm
    years_in_school = np.minimum(nc_index + 1, 6) / 6
    former = rng.random(idaci.size) < 0.45 * p_fsm * years_in_school
    return fsm, fsm | former


def draw_dual_registration(
    rng: np.random.Generator, sen: np.ndarray, nc_index: np.ndarray, special: np.ndarray
) -> np.ndarray:
    """Pupils (Years 1-11 of mainstream schools) with a subsidiary dual registration."""
    weight = np.where(sen == "E", 6.0, np.where(sen == "K", 3.0, 1.0))
    eligible = (~special) & (nc_index >= 1) & (nc_index <= 11)
    if not eligible.any():
        return np.zeros(sen.size, dtype=bool)
    p = DUAL_REGISTRATION_RATE * weight / weight[eligible].mean()
    return eligible & (rng.random(sen.size) < p)
