"""``pupilstats demo``: the synthetic borough through every flow, as ``make demo`` runs it."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cli.app import DEFAULT_CENSUS_DATE, DbOption, ReportsOption, app, console, prefect_defaults
from cli.prefect_server import temporary_prefect_server
from cli.progress import step
from cli.quality_runs import QualityRuns
from cli.run import print_result, run_release_flow, starting_prefect
from pipeline.dashboard import dashboard_dir
from pipeline.releases.registry import RELEASES
from pipeline.releases.spec import ReleaseSpec
from pipeline.settings import DEFAULT_SYNTHETIC_DIR, Settings

DEMO_YEARS = 3
"""Academic years generated: the nightly performance release shows three-year trends."""


def print_dashboard(reports: Path | None) -> None:
    """Say where the dashboard the nightly flow built is, and which release it shows."""
    page = dashboard_dir(Settings.from_env(reports=reports).reports_dir) / "index.html"
    console.print(f"[bold green]dashboard:[/] {page}", highlight=False, soft_wrap=True)


@app.command()
def demo(
    pupils: Annotated[int, typer.Option(help="Pupils in the synthetic borough")] = 48_000,
    seed: Annotated[int, typer.Option(help="Random seed")] = 7,
    defects: Annotated[float, typer.Option(help="Share of bad census rows to inject")] = 0.01,
    db: DbOption = None,
    reports: ReportsOption = None,
) -> None:
    """Generate three years of a synthetic borough and run every release on them.

    The nightly performance statistics (with the dashboard) load the three years' folders;
    the funding round and the CCG health release then use the store."""
    # The synthetic generator imports NumPy and SciPy: imported here, not at startup (see cli.app).
    from pipeline.synthetic.history import generate_history, write_history

    out = DEFAULT_SYNTHETIC_DIR
    label = (
        f"generating {DEMO_YEARS} years of a synthetic borough of {pupils} pupils "
        f"(seed {seed}) in {out}"
    )
    with step(console, label):
        boroughs = generate_history(
            pupils=pupils, seed=seed, census_date=DEFAULT_CENSUS_DATE, years=DEMO_YEARS,
            defects=defects,
        )  # fmt: skip
        folders = write_history(boroughs, out)
    prefect_defaults(quiet=True)
    # one temporary Prefect server for the three flows, stopped with the command (cli.run)
    with temporary_prefect_server(on_start=starting_prefect):
        for spec, input_dirs in demo_plan(folders):
            console.rule(spec.title)
            quality = QualityRuns(Settings.from_env(reports=reports).reports_dir)
            result = run_release_flow(
                spec, spec.period.default, input_dirs=input_dirs, db=db, reports=reports
            )
            print_result(result, quality.new_indexes(), spec.name)
            if spec.dashboard:
                print_dashboard(reports)


def demo_plan(folders: list[Path]) -> list[tuple[ReleaseSpec, list[Path]]]:
    """Every registered release with its default period, in registry order; the first loads
    the generated years' folders, the others use the store."""
    return [(spec, folders if i == 0 else []) for i, spec in enumerate(RELEASES)]
