"""The funding round: from a borough's input files to an audited funding release.

load -> validate -> exclude opt-outs -> aggregate -> protect -> audit -> release
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from prefect import flow
from prefect.artifacts import create_markdown_artifact, create_table_artifact

from flows.tasks import (
    aggregate_funding,
    audit_release,
    exclude_opt_outs,
    load_inputs,
    protect_tables,
    validate_inputs,
    write_protected_release,
)
from pipeline.profiles import load_profile
from pipeline.release.summary import RunResult, run_summary_markdown, suppression_rows
from pipeline.settings import Settings

FLOW_NAME = "funding-round"


@flow(name=FLOW_NAME, log_prints=True)
def funding_round(
    census_date: date,
    profile: str = "dfe",
    input_dir: Path | None = None,
    db: Path | None = None,
    reports: Path | None = None,
) -> RunResult:
    """Run one funding round for ``census_date``; the result names the release folder.

    With ``input_dir`` the borough's files are loaded first; without it the flow uses what
    the store already holds.
    """
    settings = Settings.from_env(db=db, reports=reports)
    release_profile = load_profile(profile)
    loads = []
    if input_dir is not None:
        staged = load_inputs(Path(input_dir), settings.db_path)
        loads = validate_inputs(
            staged, settings.db_path, census_date, settings.reports_dir, profile
        )
    opt_outs = exclude_opt_outs(settings.db_path, census_date)
    tables = aggregate_funding(settings.db_path, census_date)
    protection = protect_tables(tables, release_profile)
    report = audit_release(tables, protection, release_profile)
    release = write_protected_release(
        db_path=settings.db_path,
        releases_dir=settings.releases_dir,
        flow=FLOW_NAME,
        reference_date=census_date,
        profile=release_profile,
        tables=tables,
        protection=protection,
        report=report,
        inputs=["schools", "census", "consent"],
        measure="pupils",
    )
    rows = suppression_rows(protection.summary())
    create_table_artifact(
        key="funding-round-suppression", table=rows, description="Suppression per table"
    )
    create_markdown_artifact(
        key="funding-round-summary",
        markdown=run_summary_markdown(
            title="Funding round",
            release=release,
            audit_passed=report.passed,
            excluded_by_opt_out=opt_outs.excluded_rows,
            loads=loads,
            tables=rows,
        ),
    )
    return RunResult(
        release=release, loads=loads, excluded_by_opt_out=opt_outs.excluded_rows, tables=rows
    )
