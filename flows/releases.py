"""One Prefect flow per registered release (``pipeline.releases.registry``), all of one shape:

[load -> validate] -> count -> protect and audit -> release (with its population record and
ledger entry; nothing new when the latest release of the period is the same) -> [dashboard,
for a release that feeds it]

The run holds the store (``pipeline.store.lock``) from its first read (the load, or the
count) until its release is written, so the release's tables, the input files' sha256 in its
manifest and the record of its population all come from the same delivery: a ``load`` or
another run started meanwhile waits for it (up to ``PUPILSTATS_LOCK_WAIT_SECONDS``), and
this run waits in the same way for one that holds the store already. ``pupilstats run``
takes the lock before the flow starts (the flow's taking is then re-entrant); a run started
by ``pupilstats serve`` or a deployment takes it here. The dashboard, built from the release
folder alone, comes after the store is let go.

A flow's name is its release's name (``funding-round``, ``ccg-health``,
``nightly-performance``); it is importable as this module's attribute of the same name in
snake case (``flows.releases.nightly_performance``), as Prefect's deployments need. A run of
a release that feeds the dashboard and fails or crashes leaves yesterday's page in place and
marks the failure on it (``dashboard_failure_hook``); the run itself stays failed in Prefect.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from prefect import Flow, flow
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.runtime import flow_run

from flows.tasks import (
    RunArgumentsRejected,
    build_dashboard_task,
    count_release,
    dashboard_failure_hook,
    load_inputs,
    protect_release,
    publish_release,
    validate_inputs,
)
from pipeline.load.commit import LoadReport
from pipeline.profiles import load_profile
from pipeline.release.summary import RunResult, run_summary_markdown, suppression_rows
from pipeline.releases.registry import RELEASES
from pipeline.releases.spec import ReleaseSpec
from pipeline.settings import Settings
from pipeline.store.lock import store_lock
from schema.errors import PupilstatsError


def run_release(
    spec: ReleaseSpec,
    period: str | None = None,
    profile: str | None = None,
    input_dirs: list[Path] | None = None,
    db: Path | None = None,
    reports: Path | None = None,
    options: dict[str, Any] | None = None,
) -> RunResult:
    """Compose one run of ``spec``'s release (module docstring); the result names the
    release folder. Each of ``input_dirs`` (one delivery each, oldest first) is loaded and
    validated first; without them the run uses what the store holds. A rejected input stops
    the run before anything is counted."""
    settings = Settings.from_env(db=db, reports=reports)
    profile_name = profile or spec.default_profile
    try:
        release_profile = load_profile(profile_name)
        period = spec.period.check(period) if period is not None else spec.period.default
    except PupilstatsError as error:
        raise RunArgumentsRejected(str(error)) from None
    census_date = date.fromisoformat(period) if spec.census_date_checked and period else None
    loads: list[LoadReport] = []
    run_options = dict(options or {})
    with store_lock(settings.db_path, command=_holder(spec), on_wait=print):
        for folder in input_dirs or []:
            staged = load_inputs(Path(folder), settings.db_path)
            loads += validate_inputs(
                staged, settings.db_path, census_date, settings.reports_dir, profile_name
            )
        counted = count_release(spec, settings.db_path, period, release_profile, run_options)
        protected = protect_release(spec, counted, release_profile, run_options)
        published = publish_release(
            spec, settings.db_path, settings.releases_dir, counted, protected, release_profile
        )
    if spec.dashboard:
        build_dashboard_task(published.folder, settings.reports_dir)
    result = RunResult(
        release=published.folder,
        identical_to=published.identical_to,
        revises=published.revises,
        period=counted.period,
        reference_date=counted.reference_date.isoformat(),
        loads=loads,
        facts=dict(counted.facts + protected.facts),
        tables=suppression_rows(protected.summaries),
        method=protected.method,
        audit_passed=protected.audit.passed,
    )
    create_table_artifact(
        key=f"{spec.name}-suppression", table=result.tables, description="Suppression per table"
    )
    create_markdown_artifact(
        key=f"{spec.name}-summary",
        markdown=run_summary_markdown(spec.title, result, counted.details_markdown),
    )
    return result


def _holder(spec: ReleaseSpec) -> str:
    """How the run names itself in the store's lock file (module docstring)."""
    return f"the {spec.name} flow (Prefect flow run {flow_run.name or 'without a name'})"


def release_flow(spec: ReleaseSpec) -> Flow[..., RunResult]:
    """The Prefect flow of ``spec``'s release."""

    def run(
        period: str | None = None,
        profile: str | None = None,
        input_dirs: list[Path] | None = None,
        input_dir: Path | None = None,
        db: Path | None = None,
        reports: Path | None = None,
        options: dict[str, Any] | None = None,
    ) -> RunResult:
        folders = [*(input_dirs or []), *([input_dir] if input_dir else [])]
        return run_release(spec, period, profile, folders, db, reports, options)

    run.__name__ = run.__qualname__ = spec.name.replace("-", "_")
    run.__doc__ = (
        f"{spec.title}: {spec.population} ``period``: {spec.period.help}. ``input_dir`` (the "
        "night's delivery, as ``pupilstats serve`` passes it) is loaded after ``input_dirs``."
    )
    hooks = [dashboard_failure_hook] if spec.dashboard else []
    return flow(name=spec.name, log_prints=True, on_failure=hooks, on_crashed=hooks)(run)


RELEASE_FLOWS: dict[str, Flow[..., RunResult]] = {s.name: release_flow(s) for s in RELEASES}
"""Every registered release's flow, by release name."""

# Prefect's deployments load a flow by module path (``flows.releases.<snake_case name>``).
globals().update({f.fn.__name__: f for f in RELEASE_FLOWS.values()})
