"""The deployments ``pupilstats serve`` serves: the nightly flow on a cron schedule, and an
on-demand dashboard rebuild.

The nightly flow is ``nightly-performance`` (``flows/nightly_performance.py``); it builds
the dashboard itself. Schedules are ``Cron`` objects with an explicit time zone (default
02:00 Europe/London), so the run keeps to local time across the clock changes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from prefect import Flow, flow
from prefect.deployments.runner import RunnerDeployment
from prefect.schedules import Cron
from prefect.types.entrypoint import EntrypointType

from flows.releases import RELEASE_FLOWS
from flows.tasks.dashboard import build_dashboard_task, dashboard_failure_hook
from pipeline.dashboard import dashboard_release, latest_release
from pipeline.releases.registry import RELEASES
from pipeline.settings import Settings
from schema.errors import PupilstatsError

DEFAULT_CRON = "0 2 * * *"
DEFAULT_TIMEZONE = "Europe/London"
NIGHTLY_DEPLOYMENT = "nightly"
DASHBOARD_FLOW = "refresh-dashboard"
DASHBOARD_DEPLOYMENT = "on-demand"


def dashboard_release_names() -> list[str]:
    """The releases that feed the dashboard, in registry order."""
    return [spec.name for spec in RELEASES if spec.dashboard]


@flow(name=DASHBOARD_FLOW, log_prints=True, on_failure=[dashboard_failure_hook])
def refresh_dashboard(reports: Path | None = None, release_flow: str | None = None) -> Path:
    """Rebuild ``<reports>/dashboard`` from the newest release of ``release_flow`` (default:
    the newest release of a release that feeds the dashboard, else the newest of any flow)."""
    settings = Settings.from_env(reports=reports)
    if release_flow:
        release = latest_release(settings.releases_dir, release_flow)
    else:
        release = dashboard_release(settings.releases_dir, dashboard_release_names())
    page = build_dashboard_task(release, settings.reports_dir)
    print(f"dashboard built from {release.name}: {page}")
    return page


@dataclass(frozen=True)
class ServeOptions:
    """What ``pupilstats serve`` is asked for: when to run, and the flows' parameters."""

    cron: str = DEFAULT_CRON
    timezone: str = DEFAULT_TIMEZONE
    parameters: Mapping[str, Any] = field(default_factory=dict)
    """Parameters for the nightly run (e.g. ``input_dir``, ``db``, ``reports``); those the
    flow does not take are left out."""

    def schedule(self) -> Cron:
        """The cron schedule in its time zone; a clear error for a bad cron or zone."""
        try:
            ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError):
            raise PupilstatsError(f"time zone {self.timezone!r} is not known") from None
        try:
            return Cron(self.cron, timezone=self.timezone)
        except ValueError as error:
            raise PupilstatsError(f"cron {self.cron!r} is not valid: {error}") from None


def nightly_flow() -> Flow[..., Any]:
    """The flow to schedule: the release that feeds the dashboard (the nightly performance
    statistics), from the registry."""
    return RELEASE_FLOWS[dashboard_release_names()[0]]


def _json(value: Any) -> Any:
    return str(value) if isinstance(value, Path | date) else value


def flow_parameters(target: Flow[..., Any], given: Mapping[str, Any]) -> dict[str, Any]:
    """``given`` limited to the parameters ``target`` takes, as JSON values."""
    accepted = set(target.parameters.properties)
    return {k: _json(v) for k, v in given.items() if k in accepted and v is not None}


def served_deployments(options: ServeOptions) -> list[RunnerDeployment]:
    """The nightly flow on ``options``' schedule and the unscheduled dashboard rebuild."""
    nightly = nightly_flow()
    schedule = options.schedule()
    return [
        nightly.to_deployment(
            name=NIGHTLY_DEPLOYMENT,
            schedule=schedule,
            parameters=flow_parameters(nightly, options.parameters),
            description=f"{nightly.name} every day at {options.cron} ({options.timezone})",
            tags=["pupilstats", "nightly"],
            entrypoint_type=EntrypointType.MODULE_PATH,
        ),
        refresh_dashboard.to_deployment(
            name=DASHBOARD_DEPLOYMENT,
            parameters=flow_parameters(refresh_dashboard, options.parameters),
            description="Rebuild the dashboard from the newest release",
            tags=["pupilstats", "dashboard"],
            entrypoint_type=EntrypointType.MODULE_PATH,
        ),
    ]
