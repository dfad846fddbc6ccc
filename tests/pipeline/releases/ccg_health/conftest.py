"""Health test data: seeded synthetic health tables, and a small borough loaded into a store."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from disclosure import Dimension, Protection, Table
from pipeline.health.classification import (
    HEALTHY,
    OBESITY_NOT_SEVERE,
    OVERWEIGHT,
    SEVERE_OBESITY,
    UNDERWEIGHT,
)
from pipeline.load.inputs import commit_inputs, find_input_files, stage_inputs
from pipeline.profiles import load_profile
from pipeline.releases.ccg_health.protection import protect_health_tables
from pipeline.releases.ccg_health.tables import CATEGORY, SCHOOL_YEAR, SEX
from pipeline.store import open_store
from pipeline.synthetic import generate_borough, write_borough

ACADEMIC_YEAR = "2025/26"
LEAF_SHARES = {
    UNDERWEIGHT: 0.015,
    HEALTHY: 0.70,
    OVERWEIGHT: 0.14,
    OBESITY_NOT_SEVERE: 0.11,
    SEVERE_OBESITY: 0.035,
}
"""Roughly NCMP's national shares of the leaf categories (Reception and Year 6 together)."""


def synthetic_tables(
    seed: int, children: int, breakdowns: dict[str, int], la: str = "la"
) -> list[Table]:
    """The LA table (school year x sex x category) and one breakdown table per entry of
    ``breakdowns`` (name -> number of codes) of ``children`` random children."""
    rng = np.random.default_rng(seed)
    frame = pl.DataFrame(
        {
            "school_year": rng.choice(["R", "6"], children).tolist(),
            "sex": rng.choice(["F", "M"], children).tolist(),
            "category": rng.choice(
                list(LEAF_SHARES), children, p=list(LEAF_SHARES.values())
            ).tolist(),
            **{
                name: rng.choice([f"{name}{i:02d}" for i in range(n)], children).tolist()
                for name, n in breakdowns.items()
            },
        }
    )
    base = (SCHOOL_YEAR, SEX, CATEGORY)
    tables = [Table.from_microdata(la, frame, base)]
    for name, n in breakdowns.items():
        dim = Dimension.flat(name, [f"{name}{i:02d}" for i in range(n)])
        tables.append(Table.from_microdata(name, frame, (dim, *base)))
    return tables


@dataclass(frozen=True)
class LoadedBorough:
    """A small synthetic borough's files and the store they were loaded into."""

    inputs: Path
    db_path: Path


@pytest.fixture(scope="session")
def loaded_borough(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LoadedBorough]:
    work = tmp_path_factory.mktemp("health-borough")
    inputs = work / "inputs"
    write_borough(generate_borough(pupils=3_000, seed=5), inputs)
    db_path = work / "store.duckdb"
    with open_store(db_path) as con:
        staged = stage_inputs(con, find_input_files(inputs))
        commit_inputs(con, [s.input for s in staged])
    yield LoadedBorough(inputs=inputs, db_path=db_path)


@dataclass(frozen=True)
class Protected:
    """Seeded synthetic health tables and their protection under the NHS profile."""

    tables: list[Table]
    protection: Protection


@pytest.fixture(scope="session")
def nhs_protected() -> Protected:
    """1,500 children: a 15-ward breakdown (protected slice by slice) and a 5-group one."""
    tables = synthetic_tables(3, 1_500, {"ward": 15, "group": 5})
    return Protected(tables, protect_health_tables(tables, load_profile("nhs")))
