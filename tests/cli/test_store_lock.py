"""Two commands on one store: the second waits for the first (``cli.store_lock``), then goes
ahead when it is let go, or stops in one line naming the holder's command and process: no
traceback, no DuckDB "Could not set lock", nothing written."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import duckdb
import pytest
from typer.testing import CliRunner

import cli.store_lock
from cli import app
from pipeline.settings import LOCK_WAIT_ENV
from schema.inputs import CENSUS, CONSENT, SCHOOLS
from tests.pipeline.store.lock_holders import held_elsewhere, let_go


def store_with_a_census(path: Path) -> Path:
    """All that ``pupilstats run`` checks before it takes the store: a census of 2025-10-02."""
    path.parent.mkdir(mode=0o700)
    with duckdb.connect(str(path)) as con:
        con.execute("CREATE TABLE census (census_date DATE, upn VARCHAR)")
        con.execute("INSERT INTO census VALUES ('2025-10-02', 'A000000000000')")
    return path


def delivery(folder: Path) -> Path:
    folder.mkdir()
    for name, schema in (("schools", SCHOOLS), ("census", CENSUS), ("consent", CONSENT)):
        (folder / f"{name}.csv").write_text(",".join(schema.column_names) + "\n")
    return folder


def test_a_second_command_waits_then_stops_in_one_line(tmp_path: Path) -> None:
    db = store_with_a_census(tmp_path / "store" / "pupilstats.duckdb")
    second = {
        "a second funding round": ["run", "funding-round", "--census-date", "2025-10-02"],
        "a load during a run": ["load", str(delivery(tmp_path / "2025-26"))],
    }
    with held_elsewhere(db, command="pupilstats run funding-round") as first:
        results = {
            name: CliRunner().invoke(app, [*args, "--db", str(db)], env={LOCK_WAIT_ENV: "0.5"})
            for name, args in second.items()
        }
    for name, result in results.items():
        assert result.exit_code == 1, name
        assert "Traceback" not in result.output and "Could not set lock" not in result.output
        lines = result.output.strip().splitlines()
        assert len(lines) == 1, result.output
        assert re.fullmatch(
            rf"error: the store {re.escape(str(db))} is in use by pupilstats run funding-round "
            rf"\(pid {first.pid}, since \d{{4}}-\d\d-\d\dT\d\d:\d\d:\d\dZ\); waited 0\.5 s\. "
            r"Try again when it has finished\.",
            lines[0],
        ), lines[0]
    with duckdb.connect(str(db), read_only=True) as con:  # nothing loaded, nothing made
        assert [r[0] for r in con.execute("SHOW TABLES").fetchall()] == ["census"]
    assert not (tmp_path / "reports").exists()


def test_a_command_waiting_for_the_store_goes_ahead_when_it_is_let_go(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "store" / "pupilstats.duckdb"
    told: list[str] = []
    with held_elsewhere(db, command="pupilstats load") as first:

        def let_the_first_go(_: cli.store_lock.WaitNotice, words: str) -> None:
            told.append(words)
            let_go(first)  # the load finishes while the second command waits

        monkeypatch.setattr(cli.store_lock.WaitNotice, "show", let_the_first_go)
        result = CliRunner().invoke(
            app, ["ledger", "list", "--db", str(db)], env={LOCK_WAIT_ENV: "60"}
        )
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "the ledger holds no release"
    assert len(told) == 1 and told[0].startswith(
        f"waiting up to 60 s for the store {db}: in use by pupilstats load (pid {first.pid}, since "
    )


def test_a_command_names_itself_by_its_words_never_its_arguments(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "store" / "pupilstats.duckdb"
    named: list[str | None] = []
    real_lock = cli.store_lock.store_lock

    def spy(path: Path, **given: Any) -> Any:
        named.append(given.get("command"))
        return real_lock(path, **given)

    monkeypatch.setattr(cli.store_lock, "store_lock", spy)
    upn = "R359400110001"  # a valid UPN: it must not reach the lock file
    for args in (["ledger", "list"], ["consent", "show", upn], ["quarantine"]):
        CliRunner().invoke(app, [*args, "--db", str(db)])
    assert named == ["pupilstats ledger list", "pupilstats consent show", "pupilstats quarantine"]
