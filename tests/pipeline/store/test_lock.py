"""The store lock: another process waits for it, then names the holder in one line; a
process never waits for itself; a killed holder's words are never shown as current; DuckDB's
own lock, held by a program outside pupilstats, is one line too."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from pipeline.settings import LOCK_WAIT_ENV, lock_wait_seconds
from pipeline.store import open_store
from pipeline.store.lock import StoreInUse, lock_path, store_lock
from schema.errors import PupilstatsError
from tests.pipeline.store.lock_holders import held_elsewhere

TAKE = """
import sys, time
from pathlib import Path
from pipeline.store.lock import store_lock
from schema.errors import PupilstatsError
started = time.monotonic()
try:
    with store_lock(Path(sys.argv[1]), command="pupilstats load"):
        print("took it")
except PupilstatsError as error:
    print(error, file=sys.stderr)
    print(f"{time.monotonic() - started:.2f}")
    sys.exit(1)
"""
"""A second command: takes the store lock (waiting up to ``PUPILSTATS_LOCK_WAIT_SECONDS``)
and prints its one line and how long it waited when it cannot."""


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "store" / "pupilstats.duckdb"


def test_a_second_process_waits_then_names_the_holder_in_one_line(db: Path) -> None:
    with store_lock(db, command="pupilstats run funding-round", wait=0):
        words = json.loads(lock_path(db).read_text())
        assert stat.S_IMODE(lock_path(db).stat().st_mode) == 0o600
        done = subprocess.run(
            [sys.executable, "-c", TAKE, str(db)],
            capture_output=True,
            text=True,
            env={**os.environ, LOCK_WAIT_ENV: "1"},
            timeout=60,
        )
    assert words["pid"] == os.getpid() and words["command"] == "pupilstats run funding-round"
    assert done.returncode == 1, done.stderr
    assert done.stderr.splitlines() == [
        f"the store {db} is in use by pupilstats run funding-round (pid {os.getpid()}, since "
        f"{words['since']}); waited 1 s. Try again when it has finished."
    ]
    assert 1.0 <= float(done.stdout) < 2.0
    assert not lock_path(db).exists()  # let go: the file goes with the lock


def test_a_process_never_waits_for_itself(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Nested holders and another thread of the holding process go ahead at once (a wait
    of 0 would fail them otherwise), and the first holder's words stay."""
    monkeypatch.setenv(LOCK_WAIT_ENV, "0")
    opened_in_thread: list[int] = []

    def open_in_a_thread() -> None:
        with open_store(db) as con:
            opened_in_thread.append(con.execute("SELECT count(*) FROM t").fetchall()[0][0])

    with store_lock(db, command="pupilstats run nightly-performance"):
        with store_lock(db, command="inner"), open_store(db) as con:
            con.execute("CREATE TABLE t AS SELECT 1 AS x")
            with open_store(db) as again:
                assert again.execute("SELECT x FROM t").fetchall() == [(1,)]
        thread = threading.Thread(target=open_in_a_thread)
        thread.start()
        thread.join(timeout=30)
        assert opened_in_thread == [1]
        words = json.loads(lock_path(db).read_text())
        assert words["command"] == "pupilstats run nightly-performance"
    assert not lock_path(db).exists()


def test_a_killed_holders_words_are_never_shown_as_current(db: Path) -> None:
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], text=True,
                          capture_output=True, check=True)  # fmt: skip
    stale = {"pid": int(gone.stdout), "command": "pupilstats load", "since": "2026-01-01T02:00:00Z"}
    db.parent.mkdir(mode=0o700)
    lock_path(db).write_text(json.dumps(stale))
    with store_lock(db, command="pupilstats erase", wait=0):  # nothing holds it: taken at once
        assert json.loads(lock_path(db).read_text())["command"] == "pupilstats erase"
    lock_path(db).write_text(json.dumps(stale))
    flock = held_elsewhere(lock_path(db), how="flock")
    with flock, pytest.raises(StoreInUse) as caught, store_lock(db, wait=0):
        pass
    assert str(caught.value) == (
        f"the store {db} is in use by another process; waited 0 s. Try again when it has finished."
    )


def test_duckdbs_own_lock_is_waited_for_then_one_line(
    db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with open_store(db):
        pass
    monkeypatch.setenv(LOCK_WAIT_ENV, "0.5")
    started = time.monotonic()
    duckdb_shell = held_elsewhere(db, how="duckdb")
    with duckdb_shell as program, pytest.raises(StoreInUse) as caught, open_store(db):
        pass
    message = str(caught.value)
    assert time.monotonic() - started >= 0.5
    assert message.startswith(f"the store {db} is in use by another program (")
    assert f"pid {program.pid}); waited 0.5 s. Try again when it has finished." in message
    assert "\n" not in message and "Could not set lock" not in message


@pytest.mark.parametrize("value", ["soon", "-1", "nan"])
def test_a_wait_that_is_not_a_number_of_seconds_is_one_line(
    value: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(LOCK_WAIT_ENV, value)
    with pytest.raises(PupilstatsError, match=f"^{LOCK_WAIT_ENV}='{value}' is not a number"):
        lock_wait_seconds()
