"""The dashboard's task and the hook that marks it failed when a run fails.

The task hands the builder the release folder and the output folder only: the builder
never sees the pupil-level store.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from flows.tasks.base import store_task
from pipeline.dashboard import RunInfo, build_dashboard, dashboard_dir, mark_dashboard_failure
from pipeline.settings import Settings
from schema.errors import PupilstatsError

log = logging.getLogger(__name__)


@store_task(name="dashboard", retries=1, retry_delay_seconds=2)
def build_dashboard_task(release_dir: Path, reports_dir: Path) -> Path:
    """Build ``<reports>/dashboard/index.html`` (and its dated copy) from ``release_dir``."""
    return build_dashboard(Path(release_dir), dashboard_dir(Path(reports_dir)))


class RunArgumentsRejected(PupilstatsError):
    """The run's own parameters (period, profile) were refused before any work was done.

    Such a run updated nothing, so it is not a failed update of the dashboard: the hook
    leaves the page and ``status.json`` alone (the run is still Failed in Prefect).
    """


def _rejected_arguments(state: Any) -> bool:
    try:
        error = state.result(raise_on_failure=False)
    except Exception:
        return False
    return isinstance(error, RunArgumentsRejected)


def dashboard_failure_hook(flow: Any, flow_run: Any, state: Any) -> None:
    """Prefect ``on_failure``/``on_crashed`` hook: keep yesterday's page, mark it failed.

    The reports folder is the run's ``reports`` parameter (else the configured default).
    The run itself stays failed in Prefect; this only changes the page's banner and
    ``status.json``. A run whose parameters were refused before it started any work
    (``RunArgumentsRejected``) leaves both alone. On a full disk ``status.json`` is still
    marked (``pipeline.dashboard.status``) and the page that could not be rewritten is said
    in one warning, not a traceback.
    """
    if _rejected_arguments(state):
        return
    reports = (getattr(flow_run, "parameters", None) or {}).get("reports")
    settings = Settings.from_env(reports=reports)
    try:
        mark_dashboard_failure(
            dashboard_dir(settings.reports_dir),
            RunInfo(
                flow=str(getattr(flow, "name", "")),
                run_name=str(getattr(flow_run, "name", "") or ""),
                run_id=str(getattr(flow_run, "id", "") or ""),
                message=str(getattr(state, "message", "") or ""),
            ),
        )
    except OSError as error:  # a full disk: status.json is marked already if it could be
        log.warning("the dashboard's page could not be marked failed: %s", one_line(error))


def one_line(error: OSError) -> str:
    """``error`` as its file and reason ("No space left on device")."""
    where = f"{error.filename}: " if error.filename else ""
    return f"{where}{error.strerror or error}"
