"""A mistake in ``pupilstats run``'s arguments never touches the dashboard (issue 18): the
arguments are checked before any flow starts, so the failure hook that marks the page failed
(``flows.tasks.dashboard.dashboard_failure_hook``, on a run of the flow) never runs, and
yesterday's page and ``status.json`` stay byte for byte, still saying the last update
worked."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipeline.dashboard import build_dashboard
from tests.cli.test_run_arguments import input_folder, store_with_censuses
from tests.pipeline.dashboard.synthetic_release import write_synthetic_release

MISTAKES = {
    "unknown profile": ["--profile", "dfe-perfromance"],
    "academic year of no census": ["--academic-year", "2027/28"],
    "malformed academic year": ["--academic-year", "2025/27"],
    "missing input folder": ["--input", "{work}/nowhere"],
}


@pytest.mark.parametrize("case", list(MISTAKES))
def test_an_argument_error_leaves_the_dashboard_and_its_status_alone(
    tmp_path: Path, case: str
) -> None:
    from cli import app

    store = store_with_censuses(tmp_path / "store.duckdb")
    input_folder(tmp_path / "synthetic" / "2025-26", "2025-10-02")
    reports = tmp_path / "reports"
    release = write_synthetic_release(reports / "releases")
    index = build_dashboard(release, reports / "dashboard")
    status = reports / "dashboard" / "status.json"
    before = (index.read_bytes(), status.read_bytes())
    args = [a.format(work=tmp_path) for a in MISTAKES[case]]
    said = CliRunner().invoke(
        app,
        ["run", "nightly-performance", *args, "--db", str(store), "--reports", str(reports)],
    )
    assert said.exit_code == 1, said.output
    assert (index.read_bytes(), status.read_bytes()) == before
    assert json.loads(status.read_text())["state"] == "ok"
    assert 'data-state="ok"' in index.read_text()
