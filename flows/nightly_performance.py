"""The nightly school performance statistics: from the store (optionally after loading new
files) to an audited release of KS2, KS4 and absence measures with three-year trends.

[load -> validate] -> years -> exclude opt-outs -> aggregate -> protect -> audit -> release
-> record population -> dashboard (built from the release folder only)

A run that fails or crashes leaves yesterday's dashboard in place and marks the failure on
the page (``dashboard_failure_hook``); the run itself stays failed in Prefect.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from prefect import flow
from prefect.artifacts import create_markdown_artifact, create_table_artifact

from flows.tasks import (
    aggregate_performance,
    audit_performance,
    build_dashboard_task,
    dashboard_failure_hook,
    exclude_performance_opt_outs,
    load_inputs,
    performance_release_inputs,
    performance_years,
    protect_performance,
    record_population,
    validate_inputs,
    write_performance_release,
)
from pipeline.aggregate.performance import PerformanceProtection, Population
from pipeline.aggregate.performance.protection import DEFAULT_METHOD, Method
from pipeline.load.commit import LoadReport
from pipeline.profiles import load_profile
from pipeline.release.summary import RunResult, run_summary_markdown, suppression_rows
from pipeline.settings import Settings

FLOW_NAME = "nightly-performance"
DEFAULT_PROFILE = "dfe-performance"
"""DfE-style counts plus the rates and group attribute rules (pipeline/config/profiles.toml)."""


def _summary_markdown(
    release: Path,
    audit_passed: bool,
    excluded: int,
    loads: list[LoadReport],
    rows: list[dict[str, object]],
    populations: Sequence[Population],
    protection: PerformanceProtection,
) -> str:
    text = run_summary_markdown(
        title="Nightly performance statistics",
        release=release,
        audit_passed=audit_passed,
        excluded_by_opt_out=excluded,
        loads=loads,
        tables=rows,
    )
    lines = [
        "",
        "| family | year | rows | counted | opted out | not on census | protect s |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    lines += [
        f"| {p.family.name} | {p.academic_year} | {p.exclusions.rows} | {p.exclusions.counted} "
        f"| {p.exclusions.opted_out} | {p.exclusions.not_on_census} "
        f"| {protection.seconds.get(p.key, 0.0)} |"
        for p in populations
    ]
    return text + "\n".join(lines) + f"\n\nProtection method: {protection.method}.\n"


@flow(
    name=FLOW_NAME,
    log_prints=True,
    on_failure=[dashboard_failure_hook],
    on_crashed=[dashboard_failure_hook],
)
def nightly_performance(
    academic_year: str | None = None,
    profile: str = DEFAULT_PROFILE,
    input_dir: Path | None = None,
    input_dirs: list[Path] | None = None,
    db: Path | None = None,
    reports: Path | None = None,
    method: Method = DEFAULT_METHOD,
) -> RunResult:
    """Refresh the performance statistics; the result names the release folder.

    ``academic_year`` (e.g. ``2025/26``; default the latest in the store) and the two years
    before it are released. Each folder of ``input_dirs`` (one academic year's files each,
    oldest first), then ``input_dir`` (the night's delivery, as ``pupilstats serve`` passes
    it), is loaded and validated first; without them the flow uses what the store holds. A
    rejected input stops the run before anything is released.
    """
    settings = Settings.from_env(db=db, reports=reports)
    release_profile = load_profile(profile)
    loads: list[LoadReport] = []
    for folder in [*(input_dirs or []), *([input_dir] if input_dir else [])]:
        staged = load_inputs(Path(folder), settings.db_path)
        loads += validate_inputs(staged, settings.db_path, None, settings.reports_dir, profile)
    years = performance_years(settings.db_path, academic_year)
    opt_outs = exclude_performance_opt_outs(settings.db_path, years)
    populations = aggregate_performance(settings.db_path, years)
    protection = protect_performance(populations, release_profile, method)
    report = audit_performance(populations, protection, release_profile)
    inputs = performance_release_inputs(settings.db_path, populations, release_profile)
    release = write_performance_release(
        releases_dir=settings.releases_dir,
        flow=FLOW_NAME,
        populations=populations,
        protection=protection,
        report=report,
        profile=release_profile,
        inputs=inputs,
    )
    record_population(settings.db_path, release, FLOW_NAME, populations)
    build_dashboard_task(release, settings.reports_dir)

    excluded = sum(o.excluded_rows for o in opt_outs)
    rows = suppression_rows(protection.summaries)
    create_table_artifact(
        key="nightly-performance-suppression", table=rows, description="Suppression per table"
    )
    create_markdown_artifact(
        key="nightly-performance-summary",
        markdown=_summary_markdown(
            release, report.passed, excluded, loads, rows, populations, protection
        ),
    )
    return RunResult(release=release, loads=loads, excluded_by_opt_out=excluded, tables=rows)
