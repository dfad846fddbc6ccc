"""``pupilstats run funding-round``: the October census's funding statistics."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from pipeline.cli.app import (
    DEFAULT_CENSUS_DATE,
    DbOption,
    ReportsOption,
    console,
    fail,
    parse_date,
    prefect_defaults,
    run_app,
)
from pipeline.cli.data_commands import print_loads
from pipeline.errors import PupilstatsError

if TYPE_CHECKING:
    from pipeline.release.summary import RunResult


def print_result(result: RunResult) -> None:
    """Loads, opt-out exclusions, suppression counts per table and the release folder."""
    print_loads(result.loads)
    console.print(f"census rows excluded by research opt-outs: {result.excluded_by_opt_out}")
    for t in result.tables:
        console.print(
            f"{t['table']:>20}  cells {t.get('cells')}  primary {t.get('primary')}  "
            f"secondary {t.get('secondary')}",
            highlight=False,
        )
    console.print(f"\n[bold green]release written:[/] {result.release}")


def run_funding_round(
    census_date: str, profile: str, input_dir: Path | None, db: Path | None, reports: Path | None
) -> RunResult:
    """Run the ``funding-round`` flow, turning a pipeline error into one clear CLI error."""
    prefect_defaults()
    when = parse_date("--census-date", census_date)
    from flows.funding_round import funding_round

    try:
        return funding_round(
            census_date=when, profile=profile, input_dir=input_dir, db=db, reports=reports
        )
    except PupilstatsError as error:
        raise fail(error) from None


@run_app.command("funding-round")
def funding_round_command(
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
    print_result(run_funding_round(census_date, profile, input_dir, db, reports))
