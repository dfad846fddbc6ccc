"""``pupilstats demo``: the whole job on a synthetic borough, as ``make demo`` runs it."""

from __future__ import annotations

from typing import Annotated

import typer

from pipeline.cli.app import DEFAULT_CENSUS_DATE, DbOption, ReportsOption, app, console
from pipeline.cli.funding import print_result, run_funding_round
from pipeline.settings import DEFAULT_SYNTHETIC_DIR


@app.command()
def demo(
    pupils: Annotated[int, typer.Option(help="Pupils in the synthetic borough")] = 48_000,
    seed: Annotated[int, typer.Option(help="Random seed")] = 7,
    defects: Annotated[float, typer.Option(help="Share of bad census rows to inject")] = 0.01,
    db: DbOption = None,
    reports: ReportsOption = None,
) -> None:
    """Generate the synthetic borough, run the flows and print where the outputs are."""
    from pipeline.synthetic import generate_borough, write_borough

    out = DEFAULT_SYNTHETIC_DIR
    console.print(f"generating a synthetic borough of {pupils} pupils (seed {seed}) in {out}")
    write_borough(generate_borough(pupils=pupils, seed=seed, defects=defects), out)
    result = run_funding_round(DEFAULT_CENSUS_DATE.isoformat(), "dfe", out, db, reports)
    print_result(result)
