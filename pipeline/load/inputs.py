"""Finding a borough's input files and loading them in dependency order.

The schools lookup comes first, then the census (results and registers must name a pupil
on it), then the consent register and the results. A folder holds ``<input>.csv`` or
``<input>.parquet`` for each input it supplies.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb

from expectations.docs import DocsEntry
from expectations.limits import QualityLimits
from pipeline.load.commit import LoadReport, commit_staged
from pipeline.load.staging import StagedFile, stage_file
from schema.errors import InputFileError

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
    """Read and parse every file into staging (nothing is committed yet)."""
    return [stage_file(con, path, name) for name, path in files.items()]


def commit_inputs(
    con: duckdb.DuckDBPyConnection,
    names: list[str],
    *,
    limits: QualityLimits | None = None,
    census_date: date | None = None,
    docs: list[DocsEntry] | None = None,
) -> list[LoadReport]:
    """Validate and commit staged inputs in load order (see ``commit_staged``).

    The first rejected file stops the load with ``BatchRejected``; inputs committed before
    it stay committed (each is a complete delivery of its own).
    """
    return [
        commit_staged(con, name, limits=limits, census_date=census_date, docs=docs)
        for name in LOAD_ORDER
        if name in names
    ]
