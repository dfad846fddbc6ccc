"""The funding round's aggregation task."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from disclosure import Table
from flows.tasks.base import store_task
from pipeline.aggregate.funding import funding_tables
from pipeline.store import open_store


@store_task(name="aggregate funding")
def aggregate_funding(db_path: Path, census_date: date) -> list[Table]:
    """Count the funding tables from statistics-eligible pupils only."""
    with open_store(db_path) as con:
        return funding_tables(con, census_date)
