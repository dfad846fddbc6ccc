"""``pupilstats generate`` and ``pupilstats load``: getting pupil-level files into the store."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cli.app import DbOption, app, console, fail, prefect_defaults
from cli.input_folders import check_input_folder
from cli.progress import step
from cli.store_lock import hold_store
from pipeline.load.commit import LoadReport
from pipeline.load.inputs import commit_inputs, stage_inputs
from pipeline.settings import DEFAULT_SYNTHETIC_DIR, Settings
from pipeline.store import open_store
from pipeline.store.errors import STORE_FAILURES, store_failure
from schema.errors import PupilstatsError


@app.command()
def generate(
    pupils: Annotated[int, typer.Option(help="Number of pupils on the census")] = 48_000,
    seed: Annotated[int, typer.Option(help="Random seed: the same seed gives the same files")] = 7,
    out: Annotated[Path, typer.Option(help="Output folder")] = DEFAULT_SYNTHETIC_DIR,
    format: Annotated[str, typer.Option("--format", help="csv or parquet")] = "csv",
    defects: Annotated[float, typer.Option(help="Share of census rows made bad, e.g. 0.01")] = 0.0,
    la: Annotated[int, typer.Option(help="LA number")] = 359,
) -> None:
    """Generate a synthetic borough (no real person's data)."""
    from pipeline.synthetic import generate_borough, write_borough  # NumPy, SciPy: slow (cli.app)
    from pipeline.synthetic.borough import check_borough_arguments

    if format not in ("csv", "parquet"):
        raise fail(PupilstatsError(f"--format must be csv or parquet, not {format!r}"))
    try:
        check_borough_arguments(pupils, la, defects)
    except ValueError as error:
        raise fail(PupilstatsError(str(error))) from None
    with step(console, f"generating a synthetic borough of {pupils} pupils (seed {seed})"):
        borough = generate_borough(pupils=pupils, seed=seed, la_number=la, defects=defects)
        written = write_borough(borough, out, fmt=format)
    for name, path in written.items():
        console.print(f"{name:>8}  {path}", highlight=False, soft_wrap=True)


def print_loads(reports: list[LoadReport]) -> None:
    """One line per input: rows read, accepted and quarantined (by reason); loads of
    several folders (one per year) under a heading naming each folder."""
    folders = {Path(r.file).parent for r in reports}
    heading: Path | None = None
    for r in reports:
        if len(folders) > 1 and Path(r.file).parent != heading:
            heading = Path(r.file).parent
            console.print(f"[bold]{heading.name}[/]  {heading}", highlight=False, soft_wrap=True)
        console.print(
            f"{r.input:>8}  read {r.rows_read:>6}  accepted {r.rows_accepted:>6}  "
            f"quarantined {r.rows_quarantined:>4}",
            highlight=False,
        )
        reasons = [f"{k} {v}" for k, v in r.quarantined_by_reason.items()]
        for line in reason_lines(reasons, width=console.width - len(REASON_INDENT)):
            console.print(REASON_INDENT + line, highlight=False, soft_wrap=True)


REASON_INDENT = " " * 10


def reason_lines(reasons: list[str], width: int) -> list[str]:
    """The quarantine reasons (``check count``) packed into lines of at most ``width``
    characters, comma-separated, never splitting a reason from its count (a reason longer
    than the width has a line of its own)."""
    lines: list[str] = []
    for reason in reasons:
        if lines and len(lines[-1]) + len(", ") + len(reason) + len(",") <= width:
            lines[-1] += ", " + reason
        else:
            lines.append(reason)
    return [line + "," for line in lines[:-1]] + lines[-1:]


@app.command()
def load(
    folder: Annotated[Path, typer.Argument(help="Folder with census.csv, schools.csv, ...")],
    db: DbOption = None,
) -> None:
    """Load a borough's input files into the store: parse, validate, quarantine, commit."""
    prefect_defaults()
    settings = Settings.from_env(db=db)
    try:
        files = check_input_folder(folder)
        with hold_store(settings.db_path), open_store(settings.db_path) as con:
            with step(console, f"reading {folder}"):
                staged = stage_inputs(con, files)
            with step(console, "validating and committing (Great Expectations)"):
                reports = commit_inputs(con, [s.input for s in staged])
    except PupilstatsError as error:
        raise fail(error) from None
    except STORE_FAILURES as error:
        raise fail(store_failure(settings.db_path, error)) from None
    print_loads(reports)
