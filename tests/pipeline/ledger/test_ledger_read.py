"""Reading the ledger: its releases in order, by flow and by period, on a new store or on a
store made before the ledger existed."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import duckdb
from ledger_releases import PERIOD, write_small_release

from pipeline.ledger.read import latest_release, ledger_release, ledger_releases
from pipeline.rights.release_population import release_history
from pipeline.store import open_store
from pipeline.store.pupil_keys import pupil_key, store_key


def test_releases_are_listed_oldest_first_by_flow_and_period(tmp_path: Path) -> None:
    db, releases = tmp_path / "store.duckdb", tmp_path / "releases"
    first = write_small_release(db, releases)
    second = write_small_release(db, releases, extra_m=3, revises=first.name)
    other = write_small_release(db, releases, flow="other-flow")
    with open_store(db) as con:
        everything = ledger_releases(con)
        mine = ledger_releases(con, "test-flow")
        latest = latest_release(con, "test-flow", PERIOD)
        missing = latest_release(con, "test-flow", "2024-10-03")
        one = ledger_release(con, second.name)
        none = ledger_release(con, "no-such-release")
    assert [r.release_id for r in everything] == [first.name, second.name, other.name]
    assert [r.release_id for r in mine] == [first.name, second.name]
    assert latest is not None and latest.release_id == second.name
    assert missing is None and none is None
    assert one is not None and one.revises == first.name and one.shown_state == "published"
    assert one.period == PERIOD and one.reference_date == date(2025, 10, 2)
    assert one.profile == "dfe" and one.release_dir == second.resolve()


def test_a_store_made_before_the_ledger_gets_its_columns_and_lists_no_old_release(
    tmp_path: Path,
) -> None:
    db = tmp_path / "old.duckdb"
    con = duckdb.connect(str(db))
    con.execute(
        "CREATE TABLE release_records (release_id VARCHAR PRIMARY KEY, flow VARCHAR NOT NULL, "
        "release_dir VARCHAR NOT NULL, state VARCHAR NOT NULL, recorded_at TIMESTAMP NOT NULL)"
    )
    old = tmp_path / "releases" / "funding-round-old"
    old.mkdir(parents=True)
    (old / "manifest.json").write_text("{}")
    con.execute(
        "INSERT INTO release_records VALUES ('funding-round-old', 'funding-round', ?, "
        "'published', ?)",
        [str(old), datetime(2025, 10, 3)],
    )
    con.close()
    with open_store(db) as con:
        columns = [r[0] for r in con.execute("DESCRIBE release_records").fetchall()]
        assert ledger_releases(con) == []
        con.execute(
            "INSERT INTO release_population VALUES ('funding-round-old', 'funding-round', "
            "'2025-10-02', ?, 'counted', now()::TIMESTAMP)",
            [pupil_key(store_key(con), "A123")],
        )
        history = release_history(con, pupil_key(store_key(con), "A123"))
    assert columns[:5] == ["release_id", "flow", "release_dir", "state", "recorded_at"]
    assert columns[5:] == [
        "period",
        "reference_date",
        "profile",
        "revises",
        "withdrawn_at",
        "withdrawn_reason",
    ]
    assert [h["release_id"] for h in history] == ["funding-round-old"]
    # the new release is a first release of its period
    write_small_release(db, tmp_path / "releases", flow="funding-round")
    with open_store(db) as con:
        assert [r.revises for r in ledger_releases(con)] == [None]
