"""``pupilstats serve`` against a real Prefect server on a loopback port.

The test starts ``prefect server start`` (SQLite under a temporary ``PREFECT_HOME``) and
``pupilstats serve`` as subprocesses, checks through the client that the nightly deployment's
cron schedule and time zone are registered, triggers runs with ``run_deployment`` and sees
them complete and the dashboard built; then a run that fails leaves the previous figures
and marks the page and Prefect failed. Both processes are stopped by their own pid.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipeline.synthetic import generate_borough, write_borough

PUPILSTATS = Path(sys.executable).parent / "pupilstats"
PREFECT = Path(sys.executable).parent / "prefect"
CRON = "30 3 * * 1-5"


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


def _wait_healthy(url: str, process: subprocess.Popen[bytes], log: Path, timeout: float) -> None:
    import httpx

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"prefect server exited: {log.read_text()[-2000:]}")
        try:
            if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"prefect server not healthy after {timeout} s: {log.read_text()[-2000:]}")


@pytest.fixture(scope="module")
def prefect_server(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[str, dict[str, str]]]:
    home = tmp_path_factory.mktemp("prefect-home")
    port = _free_port()
    url = f"http://127.0.0.1:{port}/api"
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")},
        "PREFECT_HOME": str(home),
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "PREFECT_UI_ENABLED": "false",
        "DO_NOT_TRACK": "1",
    }
    log = home / "server.log"
    started = time.monotonic()
    with log.open("wb") as out:
        server = subprocess.Popen(
            [str(PREFECT), "server", "start", "--host", "127.0.0.1", "--port", str(port)],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        _wait_healthy(url, server, log, timeout=120)
        print(f"prefect server healthy after {time.monotonic() - started:.1f} s")
        yield url, {**env, "PREFECT_API_URL": url}
    finally:
        _stop(server)


def test_serve_without_prefect_api_url_says_what_to_do(monkeypatch: pytest.MonkeyPatch) -> None:
    from prefect.settings import PREFECT_API_URL, temporary_settings

    from cli import app

    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    with temporary_settings(restore_defaults={PREFECT_API_URL}):
        result = CliRunner().invoke(app, ["serve"])
    assert result.exit_code == 1
    assert "PREFECT_API_URL is not set" in result.output
    assert "prefect server start" in result.output


def test_serve_rejects_a_bad_cron_before_registering(monkeypatch: pytest.MonkeyPatch) -> None:
    from flows.deployments import ServeOptions
    from schema.errors import PupilstatsError

    with pytest.raises(PupilstatsError, match="cron '0 25 \\* \\* \\*' is not valid"):
        ServeOptions(cron="0 25 * * *").schedule()
    with pytest.raises(PupilstatsError, match="time zone 'Mars/Olympus' is not known"):
        ServeOptions(timezone="Mars/Olympus").schedule()


@pytest.mark.server
@pytest.mark.slow
def test_served_schedule_and_runs_through_the_server(
    prefect_server: tuple[str, dict[str, str]], tmp_path: Path
) -> None:
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.objects import StateType
    from prefect.deployments import run_deployment
    from prefect.settings import PREFECT_API_URL, temporary_settings

    from flows.deployments import DASHBOARD_FLOW, nightly_flow
    from pipeline.dashboard.status import BANNER_END, BANNER_START

    url, env = prefect_server
    borough = tmp_path / "borough"
    write_borough(generate_borough(pupils=1_500, seed=3, defects=0.0), borough)
    reports = tmp_path / "reports"
    nightly = nightly_flow().name
    started = time.monotonic()
    log = tmp_path / "serve.log"
    with log.open("wb") as out:
        serve = subprocess.Popen(
            [
                str(PUPILSTATS), "serve", "--cron", CRON, "--timezone", "Europe/London",
                "--input", str(borough), "--db", str(tmp_path / "store.duckdb"),
                "--reports", str(reports),
            ],
            env={**env, "PREFECT_RUNNER_POLL_FREQUENCY": "1"},
            stdout=out,
            stderr=subprocess.STDOUT,
        )  # fmt: skip
    try:
        with temporary_settings({PREFECT_API_URL: url}):
            with get_client(sync_client=True) as client:
                deadline = time.monotonic() + 60
                while True:
                    assert serve.poll() is None, log.read_text()[-3000:]
                    try:
                        deployment = client.read_deployment_by_name(f"{nightly}/nightly")
                        client.read_deployment_by_name(f"{DASHBOARD_FLOW}/on-demand")
                        break
                    except Exception:
                        assert time.monotonic() < deadline, log.read_text()[-3000:]
                        time.sleep(0.3)
            [schedule] = deployment.schedules
            assert schedule.active
            assert (schedule.schedule.cron, schedule.schedule.timezone) == (CRON, "Europe/London")
            assert deployment.parameters["input_dir"] == str(borough)
            registered = time.monotonic()

            run = run_deployment(f"{nightly}/nightly", timeout=180, poll_interval=1)
            assert run.state.type == StateType.COMPLETED, (run.state, log.read_text()[-3000:])
            index = reports / "dashboard" / "index.html"
            status = json.loads((reports / "dashboard" / "status.json").read_text())
            [release] = [p for p in (reports / "releases").iterdir() if p.name.startswith(nightly)]
            assert status["state"] == "ok" and status["release_id"] == release.name
            good = index.read_text()
            assert release.name in good and 'data-state="ok"' in good
            ran = time.monotonic()

            failed = run_deployment(
                f"{DASHBOARD_FLOW}/on-demand",
                parameters={"release_flow": "no-such-flow"},
                timeout=60,
                poll_interval=1,
            )
            assert failed.state.type == StateType.FAILED
            assert "no release of flow 'no-such-flow'" in (failed.state.message or "")
    finally:
        _stop(serve)
    marked = index.read_text()
    outside = marked.split(BANNER_START)[0] + marked.split(BANNER_END)[1]
    assert outside == good.split(BANNER_START)[0] + good.split(BANNER_END)[1]
    assert 'data-state="failed"' in marked and failed.name in marked
    status = json.loads((reports / "dashboard" / "status.json").read_text())
    assert status["state"] == "failed" and status["last_success"]["release_id"] == release.name
    print(
        f"serve registered in {registered - started:.1f} s; nightly + dashboard runs "
        f"{ran - registered:.1f} s; failing run {time.monotonic() - ran:.1f} s"
    )
