"""The ``pupilstats`` Typer application and what every command shares.

``pupilstats --help`` must answer at once. So the command modules import at their top only
what is quick to import (Typer, Rich, polars, DuckDB, the store, the loader, individual
rights), and import inside the command that needs it, with a comment saying so, what takes
seconds: Prefect (the flows), and the project modules that import NumPy or SciPy (the
synthetic generator, the health and performance modules). Great Expectations is imported on
first use inside ``expectations``. ``tests/cli/test_cli.py`` checks that ``import cli``
loads none of these.
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape

from cli.help_format import VersionOption, show_flags_as_flags
from pipeline.settings import PROJECT_ROOT
from schema.errors import PupilstatsError

app = typer.Typer(
    help="Disclosure-controlled statistics from a local authority's pupil records.",
    no_args_is_help=True,
    rich_markup_mode="markdown",  # a docstring's lines reflow to the terminal's width
)
run_app = typer.Typer(
    help="Run a flow once (Prefect's temporary local server; no server to start).",
    no_args_is_help=True,
    rich_markup_mode="markdown",  # a docstring's lines reflow to the terminal's width
)
app.add_typer(run_app, name="run")
show_flags_as_flags()


@app.callback()
def main_options(version: VersionOption = False) -> None:
    """Disclosure-controlled statistics from a local authority's pupil records."""


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


def prefect_defaults(quiet: bool = False) -> None:
    """Quiet, offline-friendly Prefect defaults (a user's own settings win). ``quiet``: Prefect
    logs warnings and errors only, for a command that shows the run's steps itself
    (``cli.progress``)."""
    if quiet:
        os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    os.environ.setdefault("PREFECT_HOME", str(PROJECT_ROOT / ".prefect"))
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")
    os.environ.setdefault("DO_NOT_TRACK", "1")
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")


def fail(error: Exception) -> typer.Exit:
    """Print one clear error line (no traceback, never wrapped: paths and lists stay whole)
    and return the exit to raise."""
    errors.print(f"[bold red]error:[/] {escape(str(error))}", highlight=False, soft_wrap=True)
    return typer.Exit(code=1)


def parse_date(option: str, value: str) -> date:
    """``value`` as a date, or a clear error naming the option."""
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise fail(PupilstatsError(f"{option} {value!r} is not a date YYYY-MM-DD")) from None
