"""Shared small synthetic boroughs (the 48,000-pupil one lives in test_synthetic_rates)."""

from __future__ import annotations

import pytest

from pipeline.synthetic import SyntheticBorough, generate_borough

SMALL_PUPILS = 4_000


@pytest.fixture(scope="session")
def clean_borough() -> SyntheticBorough:
    return generate_borough(pupils=SMALL_PUPILS, seed=21)


@pytest.fixture(scope="session")
def defective_borough() -> SyntheticBorough:
    return generate_borough(pupils=SMALL_PUPILS, seed=22, defects=0.03)
