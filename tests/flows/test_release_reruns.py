"""Releases over time, end to end: a second night on unchanged input writes nothing new and
the run says which release it repeats; the dashboard and ``releases/latest`` still show
that release."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipeline.synthetic import generate_borough, write_borough

pytestmark = pytest.mark.slow  # two nightly runs of a 1,500-pupil borough, about 20 s


@pytest.fixture(scope="module")
def borough_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("borough")
    write_borough(generate_borough(pupils=1_500, seed=3, defects=0.0), out)
    return out


def test_a_second_night_on_the_same_input_writes_nothing_new(
    prefect_harness: None, borough_dir: Path, tmp_path: Path
) -> None:
    from cli import app
    from flows.releases import RELEASE_FLOWS
    from pipeline.release.latest import latest_index, point_latest

    nightly = RELEASE_FLOWS["nightly-performance"]
    store, reports = tmp_path / "store.duckdb", tmp_path / "reports"
    first = nightly(input_dir=borough_dir, db=store, reports=reports)
    assert first.identical_to is None and first.revises is None
    latest = reports / "releases" / "latest"
    assert (latest / "nightly-performance").resolve() == first.release.resolve()
    point_latest(reports / "releases", "nightly-performance", tmp_path)  # somewhere else

    # the second night, as the command line runs it
    args = ["run", "nightly-performance", "--db", str(store), "--reports", str(reports)]
    said = CliRunner().invoke(app, args)
    assert said.exit_code == 0, said.output
    assert f"identical to release {first.release.name}: nothing new written" in said.output
    names = sorted(p.name for p in (reports / "releases").iterdir())
    assert names == ["latest", first.release.name]
    assert (latest / "nightly-performance").resolve() == first.release.resolve()
    assert latest_index(reports / "releases")["nightly-performance"]["release_id"] == (
        first.release.name
    )
    status = json.loads((reports / "dashboard" / "status.json").read_text())
    assert status["state"] == "ok" and status["release_id"] == first.release.name
    listed = CliRunner().invoke(app, ["ledger", "list", "--db", str(store)])
    assert [line.split()[0] for line in listed.output.splitlines()[1:]] == [first.release.name]
