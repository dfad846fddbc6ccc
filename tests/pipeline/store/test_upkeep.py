"""Every opening of the store keeps erased pupils erased and absorbs the delivered consent
file, whoever opens it: the store does it itself (``pipeline.store.upkeep``), with its own
keyed hashes (``pipeline.store.pupil_keys``), not the individual rights commands."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from pipeline.store import open_store
from pipeline.store.pupil_keys import key_path, pupil_key, store_key

ERASED = "A359100000001"
KEPT = "B359100000002"


def test_opening_the_store_erases_a_reloaded_erased_pupil_again(tmp_path: Path) -> None:
    db = tmp_path / "store.duckdb"
    with open_store(db) as con:
        con.execute(
            "INSERT INTO rights_audit_log VALUES ('e1', 'erase', ?, NULL, NULL, 3, 'request', "
            "now()::TIMESTAMP)",
            [pupil_key(store_key(con), ERASED)],
        )
    assert key_path(db).exists()
    with open_store(db) as con:  # a later delivery names the erased pupil again
        con.executemany("INSERT INTO census (upn) VALUES (?)", [[ERASED], [KEPT]])
        con.execute(
            "INSERT INTO quarantine VALUES ('l1', 'census', 'd', 'census.csv', 2, ?, 'upn', "
            "NULL, 'r', now()::TIMESTAMP)",
            [ERASED],
        )
    with open_store(db) as con:
        assert con.execute("SELECT upn FROM census").fetchall() == [(KEPT,)]
        assert con.execute("SELECT count(*) FROM quarantine").fetchall() == [(0,)]
        assert con.execute("SELECT count(*) FROM rights_audit_log").fetchall() == [(1,)]


def test_opening_the_store_absorbs_the_delivered_consent_file(tmp_path: Path) -> None:
    db = tmp_path / "store.duckdb"
    with open_store(db) as con:
        con.execute(
            "INSERT INTO consent (upn, consent_type, recorded_by, recorded_on, effective_from, "
            "source_ref) VALUES (?, 'research_opt_out', 'parent', ?, ?, 'letter 1')",
            [KEPT, date(2025, 9, 1), date(2025, 9, 1)],
        )
    with open_store(db) as con:
        con.execute("DELETE FROM consent")  # the next delivery no longer lists it
    with open_store(db) as con:
        rows = con.execute("SELECT upn, origin FROM consent_instructions").fetchall()
    assert rows == [(KEPT, "file")]
