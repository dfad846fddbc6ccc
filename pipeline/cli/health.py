"""``pupilstats run ccg-health``: the child measurement statistics for the CCG/ICB."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from pipeline.cli.app import DbOption, ReportsOption, console, fail, prefect_defaults, run_app
from pipeline.cli.data_commands import print_loads
from pipeline.errors import PupilstatsError

if TYPE_CHECKING:
    from pipeline.health.run import HealthRunResult


def print_health_result(result: HealthRunResult) -> None:
    """Loads, exclusions, held-back measurements, suppression per table and the release."""
    print_loads(result.loads)
    console.print(
        f"measurements counted: {result.measurements - result.held_back}  "
        f"held back as implausible: {result.held_back}  "
        f"excluded by research opt-outs: {result.excluded_by_opt_out}",
        highlight=False,
    )
    for t in result.tables:
        console.print(
            f"{t['table']:>18}  cells {t.get('cells')}  primary {t.get('primary')}  "
            f"secondary {t.get('secondary')}",
            highlight=False,
        )
    console.print(f"protection: {result.method}", highlight=False)
    console.print(f"\n[bold green]release written:[/] {result.release}")


def run_ccg_health(
    academic_year: str,
    profile: str,
    input_dir: Path | None,
    db: Path | None,
    reports: Path | None,
    by_school: bool | None = None,
) -> HealthRunResult:
    """Run the ``ccg-health`` flow, turning a pipeline error into one clear CLI error."""
    prefect_defaults()
    from pipeline.health.measurements import academic_year_bounds

    try:
        academic_year_bounds(academic_year)
    except PupilstatsError as error:
        raise fail(error) from None
    from flows.ccg_health import ccg_health

    try:
        return ccg_health(
            academic_year=academic_year,
            profile=profile,
            input_dir=input_dir,
            db=db,
            reports=reports,
            by_school=by_school,
        )
    except PupilstatsError as error:
        raise fail(error) from None


@run_app.command("ccg-health")
def ccg_health_command(
    academic_year: Annotated[
        str, typer.Option(help="Academic year of the measurements, e.g. 2025/26")
    ] = "2025/26",
    profile: Annotated[
        str, typer.Option(help="Release profile (pipeline/config/profiles.toml)")
    ] = "nhs",
    input_dir: Annotated[
        Path | None, typer.Option("--input", help="Load this folder first")
    ] = None,
    db: DbOption = None,
    reports: ReportsOption = None,
    by_school: Annotated[
        bool | None,
        typer.Option(
            "--by-school/--no-by-school",
            help="Publish the table by school (default: as pipeline/health/breakdowns.toml "
            "says for the profile)",
        ),
    ] = None,
) -> None:
    """Classify, protect, audit and release the child weight statistics of one year."""
    print_health_result(run_ccg_health(academic_year, profile, input_dir, db, reports, by_school))
