"""The dashboard's task and the hook that marks it failed when a run fails.

The task hands the builder the release folder and the output folder only: the builder
never sees the pupil-level store.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flows.tasks.base import store_task
from pipeline.dashboard import RunInfo, build_dashboard, dashboard_dir, mark_dashboard_failure
from pipeline.settings import Settings


@store_task(name="dashboard", retries=1, retry_delay_seconds=2)
def build_dashboard_task(release_dir: Path, reports_dir: Path) -> Path:
    """Build ``<reports>/dashboard/index.html`` (and its dated copy) from ``release_dir``."""
    return build_dashboard(Path(release_dir), dashboard_dir(Path(reports_dir)))


def dashboard_failure_hook(flow: Any, flow_run: Any, state: Any) -> None:
    """Prefect ``on_failure``/``on_crashed`` hook: keep yesterday's page, mark it failed.

    The reports folder is the run's ``reports`` parameter (else the configured default).
    The run itself stays failed in Prefect; this only changes the page's banner and
    ``status.json``.
    """
    reports = (getattr(flow_run, "parameters", None) or {}).get("reports")
    settings = Settings.from_env(reports=reports)
    mark_dashboard_failure(
        dashboard_dir(settings.reports_dir),
        RunInfo(
            flow=str(getattr(flow, "name", "")),
            run_name=str(getattr(flow_run, "name", "") or ""),
            run_id=str(getattr(flow_run, "id", "") or ""),
            message=str(getattr(state, "message", "") or ""),
        ),
    )
