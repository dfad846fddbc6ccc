"""The CCG/ICB health release: child weight prevalence under NHS England's disclosure rules.

load -> validate -> classify (opt-outs excluded, implausible quarantined) and count ->
protect and audit (all tables together) -> release with the recipient's note

The audit is part of the protection step (``pipeline.health.protection``): under the NHS
rule the tables are protected in parts and the audit over ALL tables together decides
whether a part must be protected jointly instead, so its report is the release's audit (the
same ``disclosure.audit`` over the same tables and pattern; running it again would only
repeat it). The release writer refuses to write anything unless it passed.
"""

from __future__ import annotations

from pathlib import Path

from prefect import flow
from prefect.artifacts import create_markdown_artifact, create_table_artifact

from flows.tasks import (
    aggregate_health,
    load_inputs,
    protect_health,
    validate_inputs,
    write_health_release,
)
from pipeline.health.breakdowns import school_table_allowed
from pipeline.health.run import HealthRunResult, health_summary_markdown, table_rows
from pipeline.profiles import load_profile
from pipeline.settings import Settings

FLOW_NAME = "ccg-health"


@flow(name=FLOW_NAME, log_prints=True)
def ccg_health(
    academic_year: str,
    profile: str = "nhs",
    input_dir: Path | None = None,
    db: Path | None = None,
    reports: Path | None = None,
    by_school: bool | None = None,
) -> HealthRunResult:
    """Release the child measurement statistics of ``academic_year`` (e.g. ``2025/26``).

    With ``input_dir`` the files are loaded and validated first; without it the flow uses what
    the store holds. ``by_school``: publish the table by school (default: as the profile
    allows, ``pipeline/health/breakdowns.toml``).
    """
    settings = Settings.from_env(db=db, reports=reports)
    release_profile = load_profile(profile)
    schools = school_table_allowed(profile) if by_school is None else by_school
    loads = []
    if input_dir is not None:
        staged = load_inputs(Path(input_dir), settings.db_path)
        loads = validate_inputs(staged, settings.db_path, None, settings.reports_dir, profile)
    counted = aggregate_health(settings.db_path, academic_year, schools)
    protection = protect_health(counted.tables, release_profile)
    report = protection.audit
    release = write_health_release(
        db_path=settings.db_path,
        releases_dir=settings.releases_dir,
        flow=FLOW_NAME,
        counted=counted,
        profile=release_profile,
        protection=protection,
        report=report,
    )
    rows = table_rows(protection.summary())
    result = HealthRunResult(
        release=release,
        loads=loads,
        excluded_by_opt_out=counted.excluded_by_opt_out,
        tables=rows,
        academic_year=academic_year,
        reference_date=counted.reference_date.isoformat(),
        measurements=counted.measurements,
        held_back=counted.held_back,
        held_back_by_reason=counted.held_back_by_reason,
        method=protection.method,
    )
    create_table_artifact(
        key="ccg-health-suppression", table=rows, description="Suppression per table"
    )
    create_markdown_artifact(
        key="ccg-health-summary", markdown=health_summary_markdown(result, report.passed)
    )
    return result
