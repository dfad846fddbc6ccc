"""The record of each load of a delivery, so an unfinished one is seen.

A load stages every file of a delivery (``pipeline.load.staging``), then validates and
commits them together (``pipeline.load.commit``); between the two the staging tables hold
full pupil rows. ``load_runs`` has one row per load: written (and committed) when staging
starts, finished in the same transaction as the delivery's data (``committed``), or when
the load stops (``rejected``, ``failed``), at which point the staging tables are dropped.
A load killed outright (power cut, ``kill -9``) leaves its row unfinished and its staging
in place: ``check_last_load_finished`` then refuses to let a release read the store, and
the next load starts by dropping what the killed one staged.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from pipeline.store.catalog import has_table, quote
from pipeline.store.transaction import rollback_quietly
from schema.errors import PupilstatsError

LOAD_RUNS_DDL = """
CREATE TABLE IF NOT EXISTS load_runs (
    run_id VARCHAR PRIMARY KEY,
    folders VARCHAR NOT NULL,
    started_at TIMESTAMP NOT NULL,
    finished_at TIMESTAMP,
    outcome VARCHAR
)
"""
STAGED_FILES = "staged_files"
STAGING_PREFIX = "staging_"
COMMITTED = "committed"
REJECTED = "rejected"
FAILED = "failed"
SUPERSEDED = "superseded"


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def staging_tables(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The staging tables in the store (``staging_<input>``)."""
    rows = con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database() "
        "AND NOT temporary AND starts_with(table_name, ?) ORDER BY table_name",
        [STAGING_PREFIX],
    ).fetchall()
    return [r[0] for r in rows]


def drop_staging(con: duckdb.DuckDBPyConnection) -> None:
    """Drop every staging table and forget what was staged (inside the caller's
    transaction, if any)."""
    for table in staging_tables(con):
        con.execute(f"DROP TABLE IF EXISTS {quote(table)}")
    exists = con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE database_name = current_database() "
        "AND table_name = ?",
        [STAGED_FILES],
    ).fetchall()[0][0]
    if exists:
        con.execute(f"DELETE FROM {STAGED_FILES}")


def begin_load(con: duckdb.DuckDBPyConnection, files: dict[str, Path]) -> str:
    """Record that a load of ``files`` starts (committed at once); an earlier load left
    unfinished is marked superseded and its staging dropped. Returns the run's id."""
    run_id = uuid.uuid4().hex
    con.execute(LOAD_RUNS_DDL)
    con.execute("BEGIN TRANSACTION")
    try:
        drop_staging(con)
        con.execute(
            "UPDATE load_runs SET finished_at = ?, outcome = ? WHERE finished_at IS NULL",
            [_now(), SUPERSEDED],
        )
        con.execute(
            "INSERT INTO load_runs VALUES (?, ?, ?, NULL, NULL)",
            [run_id, ", ".join(sorted({str(Path(p).parent) for p in files.values()})), _now()],
        )
        con.execute("COMMIT")
    except BaseException:
        rollback_quietly(con)
        raise
    return run_id


def finish_load(con: duckdb.DuckDBPyConnection, outcome: str) -> None:
    """Mark the unfinished load finished with ``outcome`` (inside the caller's transaction,
    if any)."""
    con.execute(LOAD_RUNS_DDL)
    con.execute(
        "UPDATE load_runs SET finished_at = ?, outcome = ? WHERE finished_at IS NULL",
        [_now(), outcome],
    )


def abandon_load(con: duckdb.DuckDBPyConnection, outcome: str) -> None:
    """After a load stopped: roll back whatever it had open, drop its staging and mark it
    ``outcome``, in one transaction. Never raises over the error that stopped the load."""
    rollback_quietly(con)  # if the load left one open
    try:
        con.execute("BEGIN TRANSACTION")
        drop_staging(con)
        finish_load(con, outcome)
        con.execute("COMMIT")
    except duckdb.Error:
        rollback_quietly(con)


def unfinished_load(con: duckdb.DuckDBPyConnection) -> tuple[str, datetime] | None:
    """The folder(s) and start of the load that did not finish, if any (read only: a store
    that never had a load has none)."""
    if not has_table(con, "load_runs"):
        return None
    rows = con.execute(
        "SELECT folders, started_at FROM load_runs WHERE finished_at IS NULL "
        "ORDER BY started_at DESC LIMIT 1"
    ).fetchall()
    return (rows[0][0], rows[0][1]) if rows else None


def check_last_load_finished(con: duckdb.DuckDBPyConnection) -> None:
    """Refuse, in one line, a store whose last load did not finish: some of its delivery
    may be missing, so no release may read it until the delivery is loaded again."""
    unfinished = unfinished_load(con)
    if unfinished is not None:
        folders, started = unfinished
        raise PupilstatsError(
            f"the last load into this store ({folders}, started {started:%Y-%m-%d %H:%M} UTC) "
            "did not finish: load that delivery again before a release"
        )
