"""Deliveries of the funding round's inputs for the store-lock tests, committed the way a
load commits them (the typed rows replace the store's, each file recorded in ``loads`` with
its sha256, in one transaction) but without validating them, so a test can make one in well
under a second, in this process or in another."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from pipeline.synthetic import generate_borough

FUNDING_INPUTS = ("schools", "census", "consent")


def write_delivery(folder: Path, pupils: int, seed: int) -> Path:
    """A synthetic borough's funding inputs as typed Parquet files in ``folder``."""
    borough = generate_borough(pupils=pupils, seed=seed)
    folder.mkdir(parents=True)
    for name in FUNDING_INPUTS:
        borough.frames[name].write_parquet(folder / f"{name}.parquet")
    return folder


def deliver(con: duckdb.DuckDBPyConnection, folder: Path, sha256: str) -> None:
    """Commit the delivery in ``folder``, recording ``sha256`` as each file's digest."""
    con.execute("BEGIN TRANSACTION")
    for name in FUNDING_INPUTS:
        con.execute(f"DELETE FROM {name}")
        con.execute(
            f"INSERT INTO {name} BY NAME SELECT * FROM read_parquet(?)",
            [str(folder / f"{name}.parquet")],
        )
        con.execute(
            "INSERT INTO loads VALUES (?, ?, ?, ?, ?, 0, 0, 0, ?)",
            [
                uuid.uuid4().hex,
                name,
                folder.name,
                str(folder / f"{name}.csv"),
                sha256,
                datetime.now(UTC).replace(tzinfo=None),
            ],
        )
    con.execute("COMMIT")
