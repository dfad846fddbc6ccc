"""Fixtures of the rights tests: an empty store in a temporary folder."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from pipeline.store import open_store


@pytest.fixture
def store_path(tmp_path: Path) -> Path:
    return tmp_path / "store" / "pupilstats.duckdb"


@pytest.fixture
def con(store_path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    with open_store(store_path) as connection:
        yield connection
