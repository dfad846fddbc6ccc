"""``pupilstats serve``: serve the flows as scheduled deployments on a real Prefect server.

Schedules need a Prefect server (Prefect's temporary local server cannot schedule), named
by ``PREFECT_API_URL``. The command registers the deployments with their schedule, then
stays in the foreground running whatever the server schedules or is asked to run, until
it is stopped (Ctrl-C or SIGTERM, at any moment: while starting, too), then says it stopped
and exits 0, without a traceback.

Prefect and the flows are imported inside the functions below: they take seconds to
import, and ``pupilstats --help`` must not wait for them (see ``cli.app``).
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
from pathlib import Path
from typing import Annotated

import typer

from cli.app import DbOption, ReportsOption, app, console, fail, prefect_defaults
from schema.errors import PupilstatsError


def prefect_api_url() -> str:
    """The Prefect server to serve against: ``PREFECT_API_URL`` (environment or profile)."""
    from prefect.settings import PREFECT_API_URL

    url = os.environ.get("PREFECT_API_URL") or PREFECT_API_URL.value()
    if not url:
        raise PupilstatsError(
            "PREFECT_API_URL is not set: schedules need a Prefect server. Start one with "
            "`prefect server start --host 127.0.0.1 --port 4200` and set "
            "PREFECT_API_URL=http://127.0.0.1:4200/api"
        )
    return str(url)


def check_server(url: str) -> None:
    """A clear error when the server at ``url`` does not answer its health check."""
    from prefect.client.orchestration import get_client

    with get_client(sync_client=True) as client:
        problem = client.api_healthcheck()
    if problem is not None:
        raise PupilstatsError(f"the Prefect server at {url} does not answer: {problem}")


@app.command()
def serve(
    cron: Annotated[
        str,
        typer.Option(envvar="PUPILSTATS_CRON", help="When the nightly flow runs (cron)"),
    ] = "0 2 * * *",
    timezone: Annotated[
        str,
        typer.Option(envvar="PUPILSTATS_TIMEZONE", help="Time zone of the cron schedule"),
    ] = "Europe/London",
    input_dir: Annotated[
        Path | None,
        typer.Option("--input", help="Folder of input files each nightly run loads first"),
    ] = None,
    db: DbOption = None,
    reports: ReportsOption = None,
    limit: Annotated[int, typer.Option(help="Flow runs at most at once")] = 1,
) -> None:
    """Serve the nightly flow (and the dashboard rebuild) on the Prefect server."""
    prefect_defaults()
    signal.signal(signal.SIGTERM, _interrupt)  # Prefect's runner takes SIGTERM over once started
    with contextlib.suppress(KeyboardInterrupt):
        _serve(cron, timezone, input_dir, db, reports, limit)
    console.print("pupilstats serve: stopped", highlight=False)
    _exit_stopped()


def _exit_stopped() -> None:
    """Exit 0 now that the runner has stopped, once Prefect's log and event workers have
    sent what they hold (a second at most each). The interpreter's own shutdown is skipped: a
    SIGTERM just after the runner started (its event loop and workers still starting in
    their threads) made it abort with "FATAL: exception not rethrown" (exit -6) about once
    in five such stops, while finalizing those threads."""
    if "prefect.logging.handlers" in sys.modules:
        from prefect.events.worker import EventsWorker
        from prefect.logging.handlers import APILogWorker

        with contextlib.suppress(Exception):
            APILogWorker.drain_all(timeout=1)
            EventsWorker.drain_all(timeout=1)
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)


def _interrupt(signum: int, frame: object) -> None:
    """SIGTERM before the runner has started: stop as Ctrl-C does."""
    raise KeyboardInterrupt


def _serve(
    cron: str,
    timezone: str,
    input_dir: Path | None,
    db: Path | None,
    reports: Path | None,
    limit: int,
) -> None:
    """Register the deployments and run what the server schedules until stopped (Prefect's
    runner stops on Ctrl-C or SIGTERM, cancelling a run in progress)."""
    try:
        url = prefect_api_url()
        check_server(url)
        from flows.deployments import ServeOptions, served_deployments

        options = ServeOptions(
            cron=cron,
            timezone=timezone,
            parameters={
                "input_dir": input_dir.resolve() if input_dir else None,
                "db": db.resolve() if db else None,
                "reports": reports.resolve() if reports else None,
            },
        )
        deployments = served_deployments(options)
    except PupilstatsError as error:
        raise fail(error) from None
    from prefect import serve as prefect_serve

    from cli.connection_warnings import log_connection_warnings_on_one_line

    log_connection_warnings_on_one_line()
    console.print(f"serving {len(deployments)} deployment(s) on {url}", highlight=False)
    for deployment in deployments:
        schedules = ", ".join(
            f"{s.schedule.cron} ({s.schedule.timezone})"
            for s in deployment.schedules or []
            if getattr(s.schedule, "cron", None)
        )
        console.print(
            f"  {deployment.flow_name}/{deployment.name}: {schedules or 'on demand'}",
            highlight=False,
        )
    prefect_serve(*deployments, pause_on_shutdown=False, limit=limit)
