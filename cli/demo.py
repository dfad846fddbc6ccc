"""``pupilstats demo``: the synthetic borough through every flow, as ``make demo`` runs it."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from pipeline.cli.app import DEFAULT_CENSUS_DATE, DbOption, ReportsOption, app, console
from pipeline.cli.funding import print_result, run_funding_round
from pipeline.cli.health import print_health_result, run_ccg_health
from pipeline.cli.performance import run_nightly_performance
from pipeline.settings import DEFAULT_SYNTHETIC_DIR, Settings

DEMO_YEARS = 3
"""Academic years generated: the nightly performance release shows three-year trends."""


def print_dashboard(reports: Path | None) -> None:
    """Say where the dashboard the nightly flow built is, and which release it shows."""
    from pipeline.dashboard import dashboard_dir

    page = dashboard_dir(Settings.from_env(reports=reports).reports_dir) / "index.html"
    console.print(f"[bold green]dashboard:[/] {page}", highlight=False)


@app.command()
def demo(
    pupils: Annotated[int, typer.Option(help="Pupils in the synthetic borough")] = 48_000,
    seed: Annotated[int, typer.Option(help="Random seed")] = 7,
    defects: Annotated[float, typer.Option(help="Share of bad census rows to inject")] = 0.01,
    db: DbOption = None,
    reports: ReportsOption = None,
) -> None:
    """Generate three years of the synthetic borough, then run the nightly performance flow
    (release and dashboard), the funding round and the CCG health release on them."""
    from pipeline.synthetic.academic_calendar import academic_year_label
    from pipeline.synthetic.history import generate_history, write_history

    out = DEFAULT_SYNTHETIC_DIR
    console.print(
        f"generating {DEMO_YEARS} years of a synthetic borough of {pupils} pupils "
        f"(seed {seed}) in {out}"
    )
    boroughs = generate_history(
        pupils=pupils, seed=seed, census_date=DEFAULT_CENSUS_DATE, years=DEMO_YEARS,
        defects=defects,
    )  # fmt: skip
    folders = write_history(boroughs, out)
    console.rule("nightly performance statistics and dashboard")
    print_result(run_nightly_performance(None, "dfe-performance", folders, db, reports))
    print_dashboard(reports)
    console.rule("funding round")
    print_result(run_funding_round(DEFAULT_CENSUS_DATE.isoformat(), "dfe", None, db, reports))
    console.rule("CCG health release")
    year = academic_year_label(DEFAULT_CENSUS_DATE)
    print_health_result(run_ccg_health(year, "nhs", None, db, reports))
