"""``pupilstats quarantine [--file F] [--run R]``: the quarantined rows, to find and fix them.

Lists the store's ``quarantine`` table (``pipeline.store.tables``) grouped by file: per row
the line, the field, the check it failed and the value, so a data manager can open the file
at that line. A value that identifies a pupil is masked: the value of an identifying column
(UPN, names, date of birth, postcode: ``schema.inputs.IDENTIFYING_COLUMNS``) and a whole row
that could not be split into fields. A value holding anything a terminal would act on or not
show (a newline, a carriage return, an escape sequence, a right-to-left override, a
zero-width space) is shown escaped, as Python writes it (``'Oak\\nFake'``), so each row is
one line and shows what the file holds. ``--file`` keeps one file (its path or name), ``--run``
one load (its run id, or the start of it, as the headings show).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import duckdb
import typer

from cli.app import DbOption, app, console, fail
from cli.store_lock import hold_store
from pipeline.settings import Settings
from pipeline.store import open_store
from schema.errors import PupilstatsError
from schema.inputs import IDENTIFYING_COLUMNS

MASK = "<masked>"
RUN_ID_SHOWN = 8
"""Characters of a run id (a load's id) shown in the headings; ``--run`` takes any start."""


def shown_value(field: str | None, value: str | None) -> str:
    """``value`` as listed: masked if it identifies a pupil, escaped if it holds a character
    that is not printable (module docstring)."""
    if value is None:
        return ""
    if field is None:
        return MASK  # a whole malformed row: it may hold any identifier
    if any(f.strip() in IDENTIFYING_COLUMNS for f in field.split(",")):
        return MASK
    return value if value.isprintable() else repr(value)


def _matches_file(stored: str, wanted: str) -> bool:
    return stored == wanted or Path(stored).name == wanted or stored == str(Path(wanted).resolve())


def quarantined_rows(
    con: duckdb.DuckDBPyConnection, file: str | None, run: str | None
) -> list[tuple[str, str, str, int | None, str | None, str, str | None]]:
    """(run id, input, file, line, field, check, value) of the matching quarantined rows,
    by file, line and field; a clear error listing the files or runs when none match."""
    rows = con.execute(
        "SELECT load_id, input, file, line, field, reason, value FROM quarantine "
        "ORDER BY file, load_id, line NULLS FIRST, field"
    ).fetchall()
    kept = [
        r
        for r in rows
        if (file is None or _matches_file(r[2], file)) and (run is None or r[0].startswith(run))
    ]
    if not kept and rows and file is not None:
        files = sorted({r[2] for r in rows})
        raise PupilstatsError(
            f"--file {file}: no quarantined row; files with quarantined rows: {', '.join(files)}"
        )
    if not kept and rows and run is not None:
        runs = sorted({r[0][:RUN_ID_SHOWN] for r in rows})
        raise PupilstatsError(f"--run {run}: no quarantined row; runs: {', '.join(runs)}")
    return kept


@app.command("quarantine")
def quarantine_command(
    file: Annotated[
        str | None, typer.Option("--file", help="Only this file (its path or file name)")
    ] = None,
    run: Annotated[
        str | None, typer.Option("--run", help="Only this load (a run id as listed, or its start)")
    ] = None,
    db: DbOption = None,
) -> None:
    """List quarantined rows by file: line, field, check, value (identifiers masked)."""
    db_path = Settings.from_env(db=db).db_path
    if not db_path.is_file():
        raise fail(PupilstatsError(f"no store at {db_path}: nothing has been loaded"))
    try:
        with hold_store(db_path), open_store(db_path) as con:
            rows = quarantined_rows(con, file, run)
    except PupilstatsError as error:
        raise fail(error) from None
    if not rows:
        console.print("no quarantined rows", highlight=False)
        return
    heading = None
    for run_id, input_name, path, line, field, check, value in rows:
        if (path, run_id) != heading:
            heading = (path, run_id)
            count = sum(1 for r in rows if (r[2], r[0]) == heading)
            console.print(
                f"\n[bold]{path}[/]  ({input_name}, run {run_id[:RUN_ID_SHOWN]}, {count} row(s))",
                highlight=False,
                soft_wrap=True,
            )
            console.print(f"  {'line':>7}  {'field':<20}  {'check':<24}  value", highlight=False)
        console.print(
            f"  {line if line is not None else '-':>7}  {field or '(row)':<20}  {check:<24}  "
            f"{shown_value(field, value)}",
            highlight=False,
            soft_wrap=True,
            markup=False,
        )
