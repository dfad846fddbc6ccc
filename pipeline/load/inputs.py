"""Finding a borough's input files and loading them in dependency order, all or nothing.

The schools lookup comes first, then the census (results and registers must name a pupil
on it), then the consent register and the results. A folder holds ``<input>.csv`` or
``<input>.parquet`` for each input it supplies.

A delivery is loaded whole or not at all: every file is staged, then every staged file is
validated, and only if none is rejected are they all written in one transaction. Whatever
stops a load (a rejected file, an error, Ctrl-C) drops the staging tables and marks the load
finished with its outcome (``pipeline.load.load_runs``); only a load killed outright stays
unfinished, which a release refuses (``check_last_load_finished``).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import polars as pl

from expectations.docs import DocsEntry
from expectations.limits import QualityLimits
from pipeline.fault_points import fault_point
from pipeline.load.commit import CheckedInput, LoadReport, check_staged, write_checked
from pipeline.load.load_runs import (
    COMMITTED,
    FAILED,
    REJECTED,
    abandon_load,
    begin_load,
    drop_staging,
    finish_load,
)
from pipeline.load.staging import StagedFile, stage_file
from schema.errors import BatchRejected, InputFileError

LOAD_ORDER: tuple[str, ...] = ("schools", "census", "consent", "ks2", "ks4", "absence", "ncmp")
REQUIRED_INPUTS: tuple[str, ...] = ("schools", "census", "consent")
SUFFIXES = (".csv", ".parquet")


def find_input_files(folder: Path) -> dict[str, Path]:
    """The input files in ``folder`` by input name, in load order."""
    folder = Path(folder)
    if not folder.is_dir():
        raise InputFileError(folder, "input folder not found")
    found: dict[str, Path] = {}
    for name in LOAD_ORDER:
        candidates = [
            folder / f"{name}{suffix}"
            for suffix in SUFFIXES
            if (folder / f"{name}{suffix}").exists()
        ]
        if len(candidates) > 1:
            raise InputFileError(
                folder, f"both {candidates[0].name} and {candidates[1].name}: keep one"
            )
        if candidates:
            found[name] = candidates[0]
    missing = [name for name in REQUIRED_INPUTS if name not in found]
    if missing:
        raise InputFileError(
            folder, f"missing input file(s): {', '.join(f'{m}.csv' for m in missing)}"
        )
    return found


def stage_inputs(con: duckdb.DuckDBPyConnection, files: dict[str, Path]) -> list[StagedFile]:
    """Read and parse every file into staging (nothing is committed to the inputs' tables
    yet). The load is recorded as started; if staging stops, its staging is dropped."""
    begin_load(con, files)
    fault_point("load: started")
    try:
        staged = [stage_file(con, path, name) for name, path in files.items()]
        fault_point("load: staged")
        return staged
    except BaseException:
        abandon_load(con, FAILED)
        raise


def commit_inputs(
    con: duckdb.DuckDBPyConnection,
    names: list[str],
    *,
    limits: QualityLimits | None = None,
    census_date: date | None = None,
    docs: list[DocsEntry] | None = None,
) -> list[LoadReport]:
    """Validate every staged input in load order, then commit them all in one transaction.

    A rejected file stops the load with ``BatchRejected`` before anything is written (the
    other inputs of the delivery are not committed either); any other error, or an
    interruption, rolls the whole delivery back. Either way the staging tables are dropped
    and the load is marked finished with its outcome.
    """
    try:
        checked: list[CheckedInput] = []
        census: pl.Series | None = None
        for name in LOAD_ORDER:
            if name not in names:
                continue
            item = check_staged(
                con,
                name,
                limits=limits,
                census_date=census_date,
                docs=docs,
                known_upns=census,
            )
            if name == "census":
                census = item.outcome.accepted["upn"]
            checked.append(item)
        fault_point("load: validated")
        con.execute("BEGIN TRANSACTION")
        reports = [write_checked(con, item) for item in checked]
        drop_staging(con)
        finish_load(con, COMMITTED)
        fault_point("load: written, not committed")
        con.execute("COMMIT")
        fault_point("load: committed")
    except BatchRejected:
        abandon_load(con, REJECTED)
        raise
    except BaseException:
        abandon_load(con, FAILED)
        raise
    return reports
