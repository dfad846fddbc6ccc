"""The census dates a run could use, found quickly: those in the store and in input folders.

Used to check a run's period before any flow starts. Each function answers ``None`` when it
cannot tell cheaply (a store locked by a running flow, a census file only the full reader
can decode): the check is then left to the flow, which finds the same error later.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import polars as pl

from pipeline.load.load_runs import check_last_load_finished
from pipeline.store.catalog import has_table


def store_census_dates(db_path: Path) -> list[date] | None:
    """The census dates in the store at ``db_path`` (empty if there is no store or no
    census yet), read without changing the store; ``None`` if it cannot be opened."""
    if not db_path.is_file():
        return []
    try:
        con = duckdb.connect(str(db_path), read_only=True)
    except duckdb.Error:
        return None
    try:
        if not has_table(con, "census"):
            return []
        rows = con.execute("SELECT DISTINCT census_date FROM census ORDER BY 1").fetchall()
    except duckdb.Error:
        return None
    finally:
        con.close()
    return [row[0] for row in rows if row[0] is not None]


def check_store_load_finished(db_path: Path) -> None:
    """Refuse (``PupilstatsError``, one line) a store whose last load did not finish, read
    without changing the store; a store that cannot be opened now is left to the flow."""
    if not db_path.is_file():
        return
    try:
        con = duckdb.connect(str(db_path), read_only=True)
    except duckdb.Error:
        return
    try:
        check_last_load_finished(con)
    finally:
        con.close()


def file_census_dates(census_file: Path) -> list[date] | None:
    """The census dates a census CSV or Parquet file holds, or ``None`` if it cannot be read
    cheaply (the load itself reports what is wrong with it)."""
    try:
        if census_file.suffix == ".parquet":
            frame = pl.read_parquet(census_file, columns=["census_date"])
        else:
            frame = pl.read_csv(census_file, columns=["census_date"], infer_schema_length=0)
    except Exception:  # polars raises several types for a file it cannot read
        return None
    dates: set[date] = set()
    for value in frame["census_date"].drop_nulls().cast(pl.Utf8).unique():
        try:
            dates.add(date.fromisoformat(value.strip()[:10]))
        except ValueError:
            continue  # a bad date is quarantined by the load
    return sorted(dates)


def academic_year_of(day: date) -> str:
    """The academic year (1 September - 31 August) ``day`` falls in, e.g. ``2025/26``."""
    start = day.year if day.month >= 9 else day.year - 1
    return f"{start}/{(start + 1) % 100:02d}"
