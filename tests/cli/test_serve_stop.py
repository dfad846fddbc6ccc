"""``pupilstats serve`` stops cleanly on Ctrl-C (SIGINT) and on SIGTERM: within seconds,
exit code 0, a line saying it stopped and no traceback, whether the signal comes while it
serves or while it is still starting; and it survives its server restarting.

Serving needs a real Prefect server: the module starts one on a loopback port (SQLite under
a temporary ``PREFECT_HOME``) and stops it by its own pid.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

pytestmark = pytest.mark.server

BIN = Path(sys.executable).parent
STOP_WITHIN_SECONDS = 3.0
SERVER_AWAY_SECONDS = 12.0
"""Longer than the runner's polling interval for scheduled runs (10 s by default)."""


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_for(predicate: object, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():  # type: ignore[operator]
            return
        time.sleep(0.1)
    raise AssertionError(f"not {what} after {timeout} s")


class PrefectServer:
    """A real Prefect server on a loopback port, SQLite under ``home``: started, stopped and
    started again on the same port (a restart, as an upgrade or a crash makes one)."""

    def __init__(self, home: Path) -> None:
        self.home = home
        self.url = f"http://127.0.0.1:{_free_port()}/api"
        self.env = {
            **{
                k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "PUPILSTATS_"))
            },
            "PREFECT_HOME": str(home),
            "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
            "PREFECT_UI_ENABLED": "false",
            "DO_NOT_TRACK": "1",
        }
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        import httpx

        port = self.url.split(":")[2].split("/")[0]
        log = (self.home / "server.log").open("ab")
        self.process = subprocess.Popen(
            [str(BIN / "prefect"), "server", "start", "--host", "127.0.0.1", "--port", port],
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        log.close()

        def healthy() -> bool:
            assert self.process is not None and self.process.poll() is None, (
                self.home / "server.log"
            ).read_text()[-2000:]
            try:
                return httpx.get(f"{self.url}/health", timeout=1).status_code == 200
            except httpx.HTTPError:
                return False

        _wait_for(healthy, 120, "healthy")

    def stop(self) -> None:
        if self.process is None:
            return
        self.process.send_signal(signal.SIGINT)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=5)
        self.process = None


@pytest.fixture(scope="module")
def prefect_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PrefectServer]:
    server = PrefectServer(tmp_path_factory.mktemp("prefect-home"))
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def server_env(prefect_server: PrefectServer) -> dict[str, str]:
    return {**prefect_server.env, "PREFECT_API_URL": prefect_server.url}


def _serve(env: dict[str, str], work: Path) -> tuple[subprocess.Popen[bytes], Path]:
    out = work / "serve.log"
    stores = ["--db", str(work / "s.duckdb"), "--reports", str(work / "reports")]
    process = subprocess.Popen(
        [str(BIN / "pupilstats"), "serve", *stores],
        env=env,
        stdout=out.open("wb"),
        stderr=subprocess.STDOUT,
    )
    return process, out


def _stop(process: subprocess.Popen[bytes], sig: signal.Signals) -> float:
    started = time.monotonic()
    process.send_signal(sig)
    try:
        process.wait(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=5)
    return time.monotonic() - started


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_serve_stops_cleanly_while_serving(
    server_env: dict[str, str], tmp_path: Path, sig: signal.Signals
) -> None:
    process, out = _serve(server_env, tmp_path)
    _wait_for(lambda: "being served" in out.read_text(), 60, "serving")
    time.sleep(1)  # polling for scheduled runs
    seconds = _stop(process, sig)
    said = out.read_text()
    print(f"{sig.name}: stopped after {seconds:.2f} s")
    assert process.returncode == 0, said
    assert seconds < STOP_WITHIN_SECONDS, f"{sig.name}: {seconds:.2f} s"
    assert "Traceback" not in said
    assert said.rstrip().endswith("pupilstats serve: stopped")


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_serve_stops_cleanly_while_starting(
    server_env: dict[str, str], tmp_path: Path, sig: signal.Signals
) -> None:
    process, out = _serve(server_env, tmp_path)
    _wait_for(lambda: "serving 2 deployment(s)" in out.read_text(), 60, "registering")
    seconds = _stop(process, sig)
    said = out.read_text()
    print(f"{sig.name} while starting: stopped after {seconds:.2f} s")
    assert process.returncode == 0, said
    assert seconds < STOP_WITHIN_SECONDS, f"{sig.name}: {seconds:.2f} s"
    assert "Traceback" not in said
    assert "pupilstats serve: stopped" in said


def test_serve_survives_a_server_restart_without_a_traceback(
    prefect_server: PrefectServer, server_env: dict[str, str], tmp_path: Path
) -> None:
    """The server goes away under a serving runner (for longer than the runner's polling
    interval) and comes back on the same port: serve keeps serving (Prefect logs one-line
    warnings while its event stream reconnects) and still stops cleanly."""
    process, out = _serve(server_env, tmp_path)
    _wait_for(lambda: "being served" in out.read_text(), 60, "serving")
    prefect_server.stop()
    time.sleep(SERVER_AWAY_SECONDS)
    assert process.poll() is None, out.read_text()
    prefect_server.start()
    time.sleep(2)
    assert process.poll() is None, out.read_text()
    seconds = _stop(process, signal.SIGINT)
    said = out.read_text()
    assert process.returncode == 0, said
    assert "Traceback" not in said, said
    assert said.rstrip().endswith("pupilstats serve: stopped")
    assert seconds < STOP_WITHIN_SECONDS
