"""A failure of the store itself (disk full, a lock another process holds) reaches the user
as one line naming the store and the cause, never a traceback; an error while writing is
not hidden by a failed rollback."""

from __future__ import annotations

import errno
from datetime import date
from pathlib import Path

import duckdb
import pytest
from rights_store import Pupil, insert_pupils, make_upn
from typer.testing import CliRunner

import cli.data_commands
import cli.rights
from cli import app
from pipeline.rights import corrections
from pipeline.store import open_store

PUPIL = Pupil(make_upn(1), date(2011, 1, 1))
FULL = OSError(errno.ENOSPC, "No space left on device", "/store/pupilstats.duckdb.wal")


def one_line(result: object) -> str:
    output = result.output  # type: ignore[attr-defined]
    assert result.exit_code == 1 and "Traceback" not in output, output  # type: ignore[attr-defined]
    lines = output.strip().splitlines()
    assert len(lines) == 1, output
    return lines[0]


def test_disk_full_during_an_erasure_is_one_line(
    store_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with open_store(store_path) as con:
        insert_pupils(con, [PUPIL])

    def full(*_: object) -> dict[str, int]:
        raise FULL

    monkeypatch.setattr(cli.rights, "erase_pupil", full)
    result = CliRunner().invoke(
        app,
        ["erase", PUPIL.upn, "--reason", "data_subject_request", "--yes", "--db", str(store_path)],
    )
    line = one_line(result)
    assert str(store_path) in line and "No space left on device" in line
    assert "pupilstats.duckdb.wal" in line


def test_a_rewrite_that_cannot_be_made_says_the_erasure_stands(
    store_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with open_store(store_path) as con:
        insert_pupils(con, [PUPIL])

    def locked(_: Path) -> None:
        raise duckdb.IOException('IO Error: Could not set lock on file "x": Conflicting lock\nmore')

    monkeypatch.setattr(cli.rights, "rewrite_store", locked)
    result = CliRunner().invoke(
        app,
        ["erase", PUPIL.upn, "--reason", "data_subject_request", "--yes", "--db", str(store_path)],
    )
    line = one_line(result)
    assert line.startswith("error: the erasure is done, but the store could not be rewritten")
    assert f"the store {store_path} is in use by another program" in line
    assert "Could not set lock" not in line and "more" not in line
    with open_store(store_path) as con:
        assert con.execute("SELECT count(*) FROM census").fetchall() == [(0,)]


def test_disk_full_during_a_load_is_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "delivery"
    folder.mkdir()
    for name in ("schools", "census", "consent"):
        (folder / f"{name}.csv").write_text("x\n")

    def full(*_: object) -> None:
        raise duckdb.IOException(
            'IO Error: Could not write file "/s/p.duckdb.wal": No space left on device\nmore'
        )

    monkeypatch.setattr(cli.data_commands, "stage_inputs", full)
    db = tmp_path / "store" / "pupilstats.duckdb"
    line = one_line(CliRunner().invoke(app, ["load", str(folder), "--db", str(db)]))
    assert str(db) in line and "No space left on device" in line


def test_a_failed_rollback_does_not_hide_the_cause(
    store_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def full(con: duckdb.DuckDBPyConnection, *_: object) -> dict[str, int]:
        con.execute("ROLLBACK")  # as DuckDB does when a write fails: no transaction left
        raise FULL

    monkeypatch.setattr(corrections, "delete_rows_held_on", full)
    with open_store(store_path) as con:
        insert_pupils(con, [PUPIL])
        with pytest.raises(OSError, match="No space left on device"):
            corrections.erase_pupil(con, PUPIL.upn, "data_subject_request")
