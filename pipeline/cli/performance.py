"""``pupilstats run nightly-performance``: the school performance statistics, once."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from pipeline.cli.app import DbOption, ReportsOption, fail, prefect_defaults, run_app
from pipeline.cli.funding import print_result
from pipeline.errors import PupilstatsError

if TYPE_CHECKING:
    from pipeline.release.summary import RunResult


def run_nightly_performance(
    academic_year: str | None,
    profile: str,
    input_dirs: list[Path] | None,
    db: Path | None,
    reports: Path | None,
) -> RunResult:
    """Run the ``nightly-performance`` flow, turning a pipeline error into one clear CLI
    error."""
    prefect_defaults()
    from flows.nightly_performance import nightly_performance
    from pipeline.aggregate.performance.years import check_academic_year

    try:
        if academic_year is not None:
            check_academic_year(academic_year)
        return nightly_performance(
            academic_year=academic_year,
            profile=profile,
            input_dirs=input_dirs or None,
            db=db,
            reports=reports,
        )
    except PupilstatsError as error:
        raise fail(error) from None


@run_app.command("nightly-performance")
def nightly_performance_command(
    academic_year: Annotated[
        str | None,
        typer.Option(help="Latest academic year to release, e.g. 2025/26 (default: the latest)"),
    ] = None,
    input_dirs: Annotated[
        list[Path] | None,
        typer.Option(
            "--input", help="Load this folder first (repeat for several years, oldest first)"
        ),
    ] = None,
    profile: Annotated[
        str, typer.Option(help="Release profile (pipeline/config/profiles.toml)")
    ] = "dfe-performance",
    db: DbOption = None,
    reports: ReportsOption = None,
) -> None:
    """Protect, audit and release KS2, KS4 and absence statistics with three-year trends."""
    result = run_nightly_performance(academic_year, profile, input_dirs, db, reports)
    print_result(result)
