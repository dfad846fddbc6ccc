"""A delivery is loaded whole or not at all: a rejected file, an error while writing or an
interruption leaves the inputs' tables as they were and no staging table; a load killed
outright stays marked unfinished, which a release refuses and the next load settles."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import polars as pl
import pytest

from pipeline.load import commit as commit_module
from pipeline.load import inputs as inputs_module
from pipeline.load.inputs import commit_inputs, find_input_files, stage_inputs
from pipeline.load.load_runs import check_last_load_finished, staging_tables
from pipeline.rights.release_population import PopulationRecord
from pipeline.store import open_store
from pipeline.synthetic import generate_borough, write_borough
from schema.errors import BatchRejected, PupilstatsError

INPUT_TABLES = ("schools", "census", "consent", "ks2", "ks4", "absence", "ncmp")


@pytest.fixture(scope="module")
def delivery(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("delivery")
    write_borough(generate_borough(pupils=500, seed=5), folder)
    return folder


def files(delivery: Path) -> dict[str, Path]:
    """The delivery's schools, census and consent (the results would add only time)."""
    found = find_input_files(delivery)
    return {name: found[name] for name in ("schools", "census", "consent")}


def table_rows(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    return {t: con.execute(f"SELECT count(*) FROM {t}").fetchall()[0][0] for t in INPUT_TABLES}


def last_outcome(con: duckdb.DuckDBPyConnection) -> str | None:
    return con.execute("SELECT outcome FROM load_runs ORDER BY started_at DESC LIMIT 1").fetchall()[
        0
    ][0]


def test_a_rejected_census_commits_nothing_of_the_delivery(tmp_path: Path, delivery: Path) -> None:
    with open_store(tmp_path / "store.duckdb") as con:
        staged = stage_inputs(con, files(delivery))
        with pytest.raises(BatchRejected):
            commit_inputs(con, [s.input for s in staged], census_date=date(2020, 10, 1))
        assert set(table_rows(con).values()) == {0}  # schools too
        assert staging_tables(con) == []
        assert last_outcome(con) == "rejected"
        check_last_load_finished(con)  # finished: rejected, nothing half-written


def test_an_error_while_writing_rolls_back_every_input(
    tmp_path: Path, delivery: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = commit_module.write_checked

    def failing(con: duckdb.DuckDBPyConnection, checked: commit_module.CheckedInput):
        if checked.schema.name == "consent":
            raise OSError(28, "No space left on device")
        return real(con, checked)

    monkeypatch.setattr(inputs_module, "write_checked", failing)
    with open_store(tmp_path / "store.duckdb") as con:
        staged = stage_inputs(con, files(delivery))
        with pytest.raises(OSError):
            commit_inputs(con, [s.input for s in staged])
        assert set(table_rows(con).values()) == {0}
        assert staging_tables(con) == []
        assert last_outcome(con) == "failed"
    monkeypatch.setattr(inputs_module, "write_checked", real)
    with open_store(tmp_path / "store.duckdb") as con:
        reports = commit_inputs(con, [s.input for s in stage_inputs(con, files(delivery))])
        assert {r.input for r in reports} == set(files(delivery))
        assert all(table_rows(con)[r.input] == r.rows_accepted for r in reports)
        assert last_outcome(con) == "committed" and staging_tables(con) == []


def test_an_interrupted_staging_drops_what_it_staged(
    tmp_path: Path, delivery: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = inputs_module.stage_file

    def interrupted(con: duckdb.DuckDBPyConnection, path: Path, name: str):
        if name == "consent":
            raise KeyboardInterrupt
        return real(con, path, name)

    monkeypatch.setattr(inputs_module, "stage_file", interrupted)
    with open_store(tmp_path / "store.duckdb") as con:
        with pytest.raises(KeyboardInterrupt):
            stage_inputs(con, files(delivery))
        assert staging_tables(con) == []
        assert last_outcome(con) == "failed"


def test_a_killed_load_is_refused_until_a_load_settles_it(tmp_path: Path, delivery: Path) -> None:
    db = tmp_path / "store.duckdb"
    with open_store(db) as con:
        stage_inputs(con, files(delivery))  # killed here: never committed
    with open_store(db) as con:
        assert staging_tables(con)  # what a kill leaves
        with pytest.raises(PupilstatsError) as refused:
            check_last_load_finished(con)
        message = str(refused.value)
        assert "\n" not in message and str(delivery) in message and "did not finish" in message
        stage_inputs(con, {"schools": files(delivery)["schools"]})
        assert staging_tables(con) == ["staging_schools"]  # the killed load's staging is gone
        statuses = con.execute("SELECT outcome FROM load_runs ORDER BY started_at").fetchall()
        assert statuses == [("superseded",), (None,)]


def test_no_release_is_recorded_from_a_store_whose_last_load_did_not_finish(
    tmp_path: Path, delivery: Path
) -> None:
    statuses = pl.DataFrame(
        {"upn": ["A123456789012"], "status": ["counted"], "reference_date": [date(2025, 10, 2)]}
    )
    with open_store(tmp_path / "store.duckdb") as con:
        PopulationRecord(con, "funding-round", statuses).prepare("r0", tmp_path / "r0")
        stage_inputs(con, {"schools": files(delivery)["schools"]})  # then killed
        with pytest.raises(PupilstatsError, match="did not finish"):
            PopulationRecord(con, "funding-round", statuses).prepare("r1", tmp_path / "r1")
        assert con.execute("SELECT release_id FROM release_records").fetchall() == [("r0",)]


def test_a_release_is_not_counted_from_a_store_whose_last_load_did_not_finish(
    tmp_path: Path, delivery: Path
) -> None:
    """The release's count step (every flow's first step after its own loads) refuses the
    store in one line before anything is counted."""
    from flows.tasks.release import count_release
    from pipeline.profiles import load_profile
    from pipeline.releases.registry import release_spec

    db = tmp_path / "store.duckdb"
    with open_store(db) as con:
        stage_inputs(con, files(delivery))  # killed here: never committed
    spec = release_spec("funding-round")
    with pytest.raises(PupilstatsError, match="did not finish: load that delivery again"):
        count_release.fn(spec, db, "2025-10-02", load_profile(spec.default_profile), {})
