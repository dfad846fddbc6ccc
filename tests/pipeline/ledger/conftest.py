"""Fixtures of the ledger tests: a small synthetic borough loaded into a store once, and a
fresh copy of it (store and key) for each test that writes releases."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def borough_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 3,000-pupil synthetic borough (one academic year), loaded: never written to."""
    from pipeline.load.inputs import commit_inputs, find_input_files, stage_inputs
    from pipeline.store import open_store
    from pipeline.synthetic import generate_borough, write_borough

    work = tmp_path_factory.mktemp("ledger-borough")
    write_borough(generate_borough(pupils=3_000, seed=5), work / "inputs")
    store = work / "store" / "pupilstats.duckdb"
    with open_store(store) as con:
        staged = stage_inputs(con, find_input_files(work / "inputs"))
        commit_inputs(con, [s.input for s in staged])
    return store


@pytest.fixture
def store(borough_store: Path, tmp_path: Path) -> Path:
    """A copy of :func:`borough_store` (with its rights key) for one test."""
    copy = tmp_path / "store" / borough_store.name
    copy.parent.mkdir(mode=0o700)
    for source in borough_store.parent.iterdir():
        shutil.copy2(source, copy.parent / source.name)
    return copy
