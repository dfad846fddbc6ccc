"""Every registered release has the one shape, and everything that lists releases lists them all.

The flows, ``pupilstats run``, ``pupilstats demo``, the dashboard's choice of release, the
subject access records and the opt-out property test (which asserts it over the registry
itself, ``tests/pipeline/test_opt_out_property.py``) all read ``RELEASES``: each test here
fails if one of them leaves a registered release out.
"""

from __future__ import annotations

import importlib
import json
from pathlib import Path

import pytest
import typer.main

from pipeline.releases.registry import RELEASES, release_spec, release_steps
from pipeline.releases.spec import ReleaseSpec, ReleaseSteps
from schema.errors import PupilstatsError

SHAPE = {
    "count": "tables",
    "protect": "protection",
    "release_tables": "publication",
    "documents": "note",
    "population_statuses": "population",
    "audited_tables": "tables",
}
"""Each step of a release and the module of its package that defines it."""

NAMES = [spec.name for spec in RELEASES]


def test_names_are_unique_and_looked_up_with_a_clear_error() -> None:
    assert len(set(NAMES)) == len(NAMES) == 3
    assert release_spec("funding-round").package == "funding_round"
    with pytest.raises(PupilstatsError, match="releases: nightly-performance, funding-round"):
        release_spec("funding")


@pytest.mark.parametrize("spec", RELEASES, ids=NAMES)
def test_every_release_package_has_the_same_modules(spec: ReleaseSpec) -> None:
    steps = release_steps(spec)
    assert isinstance(steps, ReleaseSteps)
    package = f"pipeline.releases.{spec.package}"
    for step, module in SHAPE.items():
        function = getattr(steps, step)
        assert function.__module__ == f"{package}.{module}", (spec.name, step)
        assert importlib.import_module(function.__module__).__doc__
    assert spec.default_profile and spec.inputs and spec.population and spec.tables
    assert spec.period.default is None or spec.period.check(spec.period.default)


def test_the_command_line_has_a_run_command_per_release() -> None:
    from cli import app
    from cli.run import run_app

    group = typer.main.get_group(app)
    run = group.commands["run"]
    assert sorted(run.commands) == sorted(NAMES)  # type: ignore[attr-defined]
    for spec in RELEASES:
        command = typer.main.get_command(run_app).commands[spec.name]  # type: ignore[attr-defined]
        flags = {f for p in command.params for f in (*p.opts, *p.secondary_opts)}
        assert spec.period.flag in flags and "--input" in flags and "--profile" in flags
        assert {o.flag.split("/")[0] for o in spec.options} <= flags


def test_the_flows_are_the_registry(tmp_path: Path) -> None:
    import flows.releases
    from flows.releases import RELEASE_FLOWS

    assert list(RELEASE_FLOWS) == NAMES
    for spec in RELEASES:
        flow = RELEASE_FLOWS[spec.name]
        assert flow.name == spec.name
        # Prefect deployments load a flow by its module path
        assert getattr(flows.releases, flow.fn.__name__) is flow


def test_the_demo_runs_every_release_the_first_loading_the_inputs(tmp_path: Path) -> None:
    from cli.demo import demo_plan

    folders = [tmp_path / "2024-25", tmp_path / "2025-26"]
    plan = demo_plan(folders)
    assert [spec for spec, _ in plan] == list(RELEASES)
    assert [inputs for _, inputs in plan] == [folders] + [[]] * (len(RELEASES) - 1)


def test_the_dashboard_reads_the_releases_that_feed_it() -> None:
    from flows.deployments import dashboard_release_names, nightly_flow

    feeding = [s.name for s in RELEASES if s.dashboard]
    assert dashboard_release_names() == feeding == ["nightly-performance"]
    assert nightly_flow().name == feeding[0]


@pytest.mark.slow
@pytest.mark.parametrize("spec", RELEASES, ids=NAMES)
def test_every_release_records_its_population_with_the_release(
    spec: ReleaseSpec, small_store: Path, tmp_path: Path
) -> None:
    from flows.tasks.release import count_release, protect_release, publish_release
    from pipeline.profiles import load_profile
    from pipeline.rights.release_population import PUBLISHED
    from pipeline.store import open_store

    profile = load_profile(spec.default_profile)
    counted = count_release.fn(spec, small_store, spec.period.default, profile, {})
    protected = protect_release.fn(spec, counted, profile, {})
    release = publish_release.fn(spec, small_store, tmp_path, counted, protected, profile).folder
    manifest = json.loads((release / "manifest.json").read_text())
    assert manifest["flow"] == spec.name
    assert manifest["audit"]["digest"] == protected.audit.digest
    # what the spec declares is what the release holds: its table families and its note
    assert all(t["name"].startswith(spec.tables) for t in manifest["tables"])
    assert bool(manifest["documents"]) == (spec.note is not None)
    assert {i["input"] for i in manifest["inputs"]} <= set(spec.inputs)
    with open_store(small_store) as con:
        state = con.execute(
            "SELECT state FROM release_records WHERE release_id = ?", [release.name]
        ).fetchall()
        statuses = dict(
            con.execute(
                "SELECT status, count(*) FROM release_population WHERE release_id = ? "
                "GROUP BY status",
                [release.name],
            ).fetchall()
        )
    assert state == [(PUBLISHED,)]
    assert statuses.get("counted", 0) > 0


@pytest.fixture(scope="module")
def small_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from pipeline.load.inputs import commit_inputs, find_input_files, stage_inputs
    from pipeline.store import open_store
    from pipeline.synthetic import generate_borough, write_borough

    work = tmp_path_factory.mktemp("registry")
    write_borough(generate_borough(pupils=3_000, seed=5), work / "inputs")
    store = work / "store.duckdb"
    with open_store(store) as con:
        staged = stage_inputs(con, find_input_files(work / "inputs"))
        commit_inputs(con, [s.input for s in staged])
    return store
