"""The ``pupilstats`` command line.

Heavy libraries (Prefect, Great Expectations, SciPy) are imported inside the commands that
need them, so ``pupilstats --help`` answers at once.
"""

from __future__ import annotations

import os
import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console

from pipeline.errors import PupilstatsError
from pipeline.settings import DEFAULT_SYNTHETIC_DIR, PROJECT_ROOT, Settings

if TYPE_CHECKING:
    from pipeline.load.commit import LoadReport
    from pipeline.release.summary import RunResult

app = typer.Typer(
    help="Disclosure-controlled statistics from a local authority's pupil records.",
    no_args_is_help=True,
)
run_app = typer.Typer(
    help="Run a flow once (Prefect's temporary local server; no server to start).",
    no_args_is_help=True,
)
app.add_typer(run_app, name="run")

console = Console()
errors = Console(stderr=True)

DEFAULT_CENSUS_DATE = date(2025, 10, 2)

DbOption = Annotated[
    Path | None,
    typer.Option("--db", help="DuckDB store (default: $PUPILSTATS_DB or data/pupilstats.duckdb)"),
]
ReportsOption = Annotated[
    Path | None, typer.Option("--reports", help="Output folder (default: reports/)")
]


def _prefect_defaults() -> None:
    """Quiet, offline-friendly Prefect defaults (a user's own settings win)."""
    os.environ.setdefault("PREFECT_HOME", str(PROJECT_ROOT / ".prefect"))
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")
    os.environ.setdefault("DO_NOT_TRACK", "1")
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")


def _fail(error: Exception) -> typer.Exit:
    errors.print(f"[bold red]error:[/] {error}", highlight=False)
    return typer.Exit(code=1)


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
    from pipeline.synthetic import generate_borough, write_borough

    if format not in ("csv", "parquet"):
        raise _fail(PupilstatsError(f"--format must be csv or parquet, not {format!r}"))
    borough = generate_borough(pupils=pupils, seed=seed, la_number=la, defects=defects)
    written = write_borough(borough, out, fmt=format)
    for name, path in written.items():
        console.print(f"{name:>8}  {path}")


def _print_loads(reports: list[LoadReport]) -> None:
    for r in reports:
        reasons = ", ".join(f"{k} {v}" for k, v in r.quarantined_by_reason.items())
        console.print(
            f"{r.input:>8}  read {r.rows_read:>6}  accepted {r.rows_accepted:>6}  "
            f"quarantined {r.rows_quarantined:>4}" + (f"  ({reasons})" if reasons else ""),
            highlight=False,
        )


def _print_result(result: RunResult) -> None:
    _print_loads(result.loads)
    console.print(f"census rows excluded by research opt-outs: {result.excluded_by_opt_out}")
    for t in result.tables:
        console.print(
            f"{t['table']:>20}  cells {t.get('cells')}  primary {t.get('primary')}  "
            f"secondary {t.get('secondary')}",
            highlight=False,
        )
    console.print(f"\n[bold green]release written:[/] {result.release}")


@app.command()
def load(
    folder: Annotated[Path, typer.Argument(help="Folder with census.csv, schools.csv, ...")],
    db: DbOption = None,
) -> None:
    """Load a borough's input files into the store: parse, validate, quarantine, commit."""
    _prefect_defaults()
    from pipeline.load.inputs import commit_inputs, find_input_files, stage_inputs
    from pipeline.store import open_store

    settings = Settings.from_env(db=db)
    try:
        with open_store(settings.db_path) as con:
            staged = stage_inputs(con, find_input_files(folder))
            reports = commit_inputs(con, [s.input for s in staged])
    except PupilstatsError as error:
        raise _fail(error) from None
    _print_loads(reports)


@run_app.command("funding-round")
def run_funding_round(
    census_date: Annotated[
        str, typer.Option(help="Census date, YYYY-MM-DD")
    ] = DEFAULT_CENSUS_DATE.isoformat(),
    profile: Annotated[
        str, typer.Option(help="Release profile (pipeline/config/profiles.toml)")
    ] = "dfe",
    input_dir: Annotated[
        Path | None, typer.Option("--input", help="Load this folder first")
    ] = None,
    db: DbOption = None,
    reports: ReportsOption = None,
) -> None:
    """Protect, audit and release the funding statistics of one census."""
    result = _run_funding_round(census_date, profile, input_dir, db, reports)
    _print_result(result)


def _run_funding_round(
    census_date: str, profile: str, input_dir: Path | None, db: Path | None, reports: Path | None
) -> RunResult:
    _prefect_defaults()
    try:
        when = date.fromisoformat(census_date)
    except ValueError:
        raise _fail(
            PupilstatsError(f"--census-date {census_date!r} is not a date YYYY-MM-DD")
        ) from None
    from flows.funding_round import funding_round

    try:
        return funding_round(
            census_date=when, profile=profile, input_dir=input_dir, db=db, reports=reports
        )
    except PupilstatsError as error:
        raise _fail(error) from None


@app.command()
def demo(
    pupils: Annotated[int, typer.Option(help="Pupils in the synthetic borough")] = 48_000,
    seed: Annotated[int, typer.Option(help="Random seed")] = 7,
    defects: Annotated[float, typer.Option(help="Share of bad census rows to inject")] = 0.01,
    db: DbOption = None,
    reports: ReportsOption = None,
) -> None:
    """Generate the synthetic borough, run the funding round and print the release folder."""
    from pipeline.synthetic import generate_borough, write_borough

    out = DEFAULT_SYNTHETIC_DIR
    console.print(f"generating a synthetic borough of {pupils} pupils (seed {seed}) in {out}")
    write_borough(generate_borough(pupils=pupils, seed=seed, defects=defects), out)
    result = _run_funding_round(DEFAULT_CENSUS_DATE.isoformat(), "dfe", out, db, reports)
    _print_result(result)


def main() -> None:  # pragma: no cover - console entry point
    try:
        app()
    except PupilstatsError as error:
        errors.print(f"error: {error}")
        sys.exit(1)
