"""The invented geography of the synthetic borough: wards, their LSOAs and postcodes.

Wards sit on a 5 x 5 grid (a ward's neighbours are the wards next to it on the grid),
each with a deprivation level in [0, 1] and an ethnic diversity level. Each ward has 4-8
LSOAs; the IDACI score is an attribute of the LSOA (as in the English Indices of
Deprivation), ranked by the LSOA's deprivation and drawn from a Beta(1.2, 3.6)
distribution (mean 0.25, like a deprived metropolitan borough), so every NFF IDACI band
A-G holds several LSOAs. ONS-style codes use ranges real codes do not reach
(``E059xxxxx`` wards, ``E019xxxxx`` LSOAs).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.special import betaincinv

from pipeline.synthetic.names import (
    POSTCODE_AREA,
    POSTCODE_UNIT_LETTERS,
    invented_place_names,
)

GRID = 5
"""Wards lie on a GRID x GRID square."""
LSOAS_PER_WARD = (4, 8)
IDACI_BETA = (1.2, 3.6)


@dataclass(frozen=True)
class Geography:
    """Wards and LSOAs of the borough, as parallel numpy arrays."""

    ward_code: np.ndarray
    ward_name: np.ndarray
    ward_deprivation: np.ndarray
    """0 least deprived, 1 most deprived."""
    ward_diversity: np.ndarray
    """Multiplier (around 1) of the share of pupils not of White British ethnicity."""
    ward_neighbours: np.ndarray
    """(wards, 8) indexes of the wards next to each ward on the grid, padded with -1."""
    ward_neighbour_count: np.ndarray
    lsoa_code: np.ndarray
    lsoa_ward: np.ndarray
    """Index of the ward each LSOA lies in."""
    lsoa_sector: np.ndarray
    """Postcode sector digit of the LSOA within its ward's district."""
    lsoa_idaci: np.ndarray
    """IDACI score of the LSOA, 3 decimal places."""

    @property
    def wards(self) -> int:
        return self.ward_code.size


def _distinct_codes(rng: np.random.Generator, prefix: str, count: int) -> np.ndarray:
    numbers = np.sort(rng.choice(np.arange(900_000, 1_000_000), size=count, replace=False))
    return np.array([f"{prefix}{n:06d}" for n in numbers], dtype=object)


def _grid_neighbours() -> tuple[np.ndarray, np.ndarray]:
    wards = GRID * GRID
    neighbours = np.full((wards, 8), -1, dtype=np.int64)
    counts = np.zeros(wards, dtype=np.int64)
    for ward in range(wards):
        row, col = divmod(ward, GRID)
        for dr in (-1, 0, 1):
            for dc in (-1, 0, 1):
                r, c = row + dr, col + dc
                if (dr or dc) and 0 <= r < GRID and 0 <= c < GRID:
                    neighbours[ward, counts[ward]] = r * GRID + c
                    counts[ward] += 1
    return neighbours, counts


def make_geography(rng: np.random.Generator) -> Geography:
    """Draw the borough's 25 wards and their LSOAs."""
    wards = GRID * GRID
    names = invented_place_names(rng, wards)
    # deprivation is spatially smooth: a gradient across the grid plus noise
    rows, cols = np.divmod(np.arange(wards), GRID)
    gradient = (rows + cols) / (2 * (GRID - 1))
    deprivation = np.clip(0.7 * gradient + 0.3 * rng.random(wards), 0.0, 1.0)
    diversity = np.exp(rng.normal(0.0, 0.45, wards) + 0.9 * (deprivation - 0.5))
    neighbours, counts = _grid_neighbours()

    per_ward = rng.integers(LSOAS_PER_WARD[0], LSOAS_PER_WARD[1] + 1, wards)
    lsoa_ward = np.repeat(np.arange(wards), per_ward)
    lsoa_sector = np.concatenate([np.arange(n) + 1 for n in per_ward])
    latent = deprivation[lsoa_ward] + rng.normal(0.0, 0.18, lsoa_ward.size)
    quantiles = (np.argsort(np.argsort(latent)) + rng.random(lsoa_ward.size)) / lsoa_ward.size
    idaci = np.round(betaincinv(*IDACI_BETA, quantiles), 3)
    return Geography(
        ward_code=_distinct_codes(rng, "E05", wards),
        ward_name=np.array(names, dtype=object),
        ward_deprivation=deprivation,
        ward_diversity=diversity,
        ward_neighbours=neighbours,
        ward_neighbour_count=counts,
        lsoa_code=_distinct_codes(rng, "E01", lsoa_ward.size),
        lsoa_ward=lsoa_ward,
        lsoa_sector=lsoa_sector,
        lsoa_idaci=idaci,
    )


def draw_home_wards(
    rng: np.random.Generator,
    geography: Geography,
    school_ward: np.ndarray,
    own_ward_share: np.ndarray,
    neighbour_share: np.ndarray,
) -> np.ndarray:
    """Home ward of each pupil: the school's ward, a neighbouring ward, or anywhere."""
    u = rng.random(school_ward.size)
    counts = geography.ward_neighbour_count[school_ward]
    pick = np.floor(rng.random(school_ward.size) * counts).astype(np.int64)
    neighbour = geography.ward_neighbours[school_ward, pick]
    anywhere = rng.integers(0, geography.wards, school_ward.size)
    return np.where(
        u < own_ward_share,
        school_ward,
        np.where(u < own_ward_share + neighbour_share, neighbour, anywhere),
    )


def draw_lsoas(rng: np.random.Generator, geography: Geography, home_ward: np.ndarray) -> np.ndarray:
    """An LSOA of each pupil's home ward, equally likely among the ward's LSOAs."""
    starts = np.searchsorted(geography.lsoa_ward, np.arange(geography.wards))
    sizes = np.bincount(geography.lsoa_ward, minlength=geography.wards)
    offset = np.floor(rng.random(home_ward.size) * sizes[home_ward]).astype(np.int64)
    return starts[home_ward] + offset


def draw_postcodes(rng: np.random.Generator, geography: Geography, lsoa: np.ndarray) -> np.ndarray:
    """A fictional postcode per pupil: ``ZZ<ward number> <LSOA sector><two letters>``."""
    district = geography.lsoa_ward[lsoa] + 1
    sector = geography.lsoa_sector[lsoa]
    letters = np.array(list(POSTCODE_UNIT_LETTERS), dtype=object)
    first = letters[rng.integers(0, letters.size, lsoa.size)]
    second = letters[rng.integers(0, letters.size, lsoa.size)]
    return np.array(
        [
            f"{POSTCODE_AREA}{d} {s}{a}{b}"
            for d, s, a, b in zip(district, sector, first, second, strict=True)
        ],
        dtype=object,
    )
