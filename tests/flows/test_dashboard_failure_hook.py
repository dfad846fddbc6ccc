"""The dashboard's failure hook marks the page failed for a run that failed, and leaves it
alone for a run whose own parameters were refused before it did anything (issue 18: a
typo in a manual run's arguments must not mark the production page failed)."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

import pytest

from pipeline.dashboard import build_dashboard
from schema.errors import BatchRejected
from tests.pipeline.dashboard.synthetic_release import write_synthetic_release


def test_refused_parameters_leave_the_page_and_a_failed_run_marks_it(tmp_path: Path) -> None:
    from prefect.states import Failed

    from flows.tasks import RunArgumentsRejected, dashboard_failure_hook

    reports = tmp_path / "reports"
    index = build_dashboard(write_synthetic_release(reports / "releases"), reports / "dashboard")
    status = reports / "dashboard" / "status.json"
    before = (index.read_bytes(), status.read_bytes())
    flow = SimpleNamespace(name="nightly-performance")
    run = SimpleNamespace(name="typo-run", id="1", parameters={"reports": str(reports)})
    refused = RunArgumentsRejected("academic year '2025/27' is not of the form 2025/26")
    dashboard_failure_hook(flow, run, Failed(data=refused, message=str(refused)))
    assert (index.read_bytes(), status.read_bytes()) == before

    rejected = BatchRejected("census.csv", ["required column 'upn' is missing"])
    dashboard_failure_hook(flow, run, Failed(data=rejected, message=str(rejected)))
    assert json.loads(status.read_text())["state"] == "failed"
    assert 'data-state="failed"' in index.read_text()


def test_the_flow_refuses_a_bad_period_or_profile_as_its_parameters(tmp_path: Path) -> None:
    from flows.releases import run_release
    from flows.tasks import RunArgumentsRejected
    from pipeline.releases.registry import NIGHTLY_PERFORMANCE

    where = {"db": tmp_path / "store.duckdb", "reports": tmp_path / "reports"}
    with pytest.raises(RunArgumentsRejected, match="2025/27"):
        run_release(NIGHTLY_PERFORMANCE, "2025/27", **where)
    with pytest.raises(RunArgumentsRejected, match="nope"):
        run_release(NIGHTLY_PERFORMANCE, None, profile="nope", **where)
    assert not (tmp_path / "reports").exists() and not (tmp_path / "store.duckdb").exists()
