"""The store's write-ahead log is owner-only from the moment they exist,
whatever the umask the command was started with: the WAL is sampled while a delivery is
staged (DuckDB deletes and recreates it at every checkpoint, so a chmod after the fact
would leave it readable in between)."""

from __future__ import annotations

import os
import stat
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import pytest

from pipeline.load.inputs import find_input_files, stage_inputs
from pipeline.store import open_store
from pipeline.store.owner_only_files import owner_only_umask, wal_path
from pipeline.synthetic import generate_borough, write_borough


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@contextmanager
def loose_umask() -> Iterator[None]:
    old = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(old)


@contextmanager
def sampling(path: Path) -> Iterator[list[int]]:
    """The modes ``path`` had while the block ran, sampled as fast as a thread can."""
    samples: list[int] = []
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            with suppress(FileNotFoundError):
                samples.append(stat.S_IMODE(os.stat(path).st_mode))

    thread = threading.Thread(target=sample)
    thread.start()
    try:
        yield samples
    finally:
        done.set()
        thread.join()


def test_the_wal_is_owner_only_throughout_a_staged_delivery(tmp_path: Path) -> None:
    write_borough(generate_borough(pupils=500, seed=3), tmp_path / "delivery")
    db = tmp_path / "store" / "pupilstats.duckdb"
    with loose_umask(), sampling(wal_path(db)) as samples, open_store(db) as con:
        stage_inputs(con, find_input_files(tmp_path / "delivery"))
    assert samples, "the WAL was never seen: the test sampled nothing"
    assert set(samples) == {0o600}
    assert mode(db) == 0o600 and mode(db.parent) == 0o700


def test_every_wal_between_checkpoints_is_owner_only(tmp_path: Path) -> None:
    db = tmp_path / "pupilstats.duckdb"
    modes: list[int] = []
    with loose_umask(), open_store(db) as con:
        con.execute("CREATE TABLE t AS SELECT range AS n FROM range(10)")
        for round_ in range(3):
            con.execute("INSERT INTO t SELECT range FROM range(1000)")
            modes.append(mode(wal_path(db)))
            con.execute("CHECKPOINT")
            assert not wal_path(db).exists(), f"round {round_}: DuckDB kept the WAL"
    assert modes == [0o600] * 3


def test_the_umask_is_restored_only_when_the_last_store_closes(tmp_path: Path) -> None:
    with loose_umask():
        with owner_only_umask():
            with owner_only_umask():
                pass
            assert os.umask(0o077) == 0o077  # still held by the outer block
        assert os.umask(0o022) == 0o022


@pytest.mark.parametrize("content", [b"upn,name\nA123,Smith\n", b"x" * 20])
def test_a_file_that_is_not_a_store_is_refused_and_left_alone(
    tmp_path: Path, content: bytes
) -> None:
    from schema.errors import PupilstatsError

    csv = tmp_path / "census.csv"
    csv.write_bytes(content)
    csv.chmod(0o644)
    with pytest.raises(PupilstatsError, match="not a pupilstats store"), open_store(csv):
        pass
    assert mode(csv) == 0o644 and csv.read_bytes() == content
    assert not wal_path(csv).exists()


def test_the_project_data_folder_made_by_git_becomes_owner_only_with_the_store(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A fresh clone's ``data/`` exists before any store (git makes it for the committed
    lookups, 0755): creating the default store in it makes it 0700; a folder given with
    ``--db`` elsewhere keeps the permissions its owner gave it."""
    import pipeline.store.owner_only_files as owner_only_files

    data = tmp_path / "data"
    (data / "lookups").mkdir(parents=True)
    os.chmod(data, 0o755)
    elsewhere = tmp_path / "shared"
    elsewhere.mkdir(mode=0o755)
    os.chmod(elsewhere, 0o755)
    monkeypatch.setattr(owner_only_files, "DATA_DIR", data)
    with open_store(data / "pupilstats.duckdb"), open_store(elsewhere / "s.duckdb"):
        pass
    assert mode(data) == 0o700
    assert mode(elsewhere) == 0o755
    assert mode(data / "pupilstats.duckdb") == 0o600
