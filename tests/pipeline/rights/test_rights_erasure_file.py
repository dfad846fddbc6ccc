"""After an erasure no copy of the pupil stays in the store file (measured as ``strings``
does), the store stays owner-only with its key beside it, and ``erase`` lists the shares
made before it that still hold the pupil (a YSS extract, a subject access bundle)."""

from __future__ import annotations

import stat
from datetime import date, timedelta
from pathlib import Path

from rights_store import Pupil, insert_pupils, make_upn
from test_rights_retention_confirmation import strings_hits
from typer.testing import CliRunner

from cli import app
from pipeline.store import open_store
from pipeline.store.pupil_keys import key_path

ERASED = Pupil(make_upn(1), date(2011, 3, 4), surname="Quillfeather", forename="Zebedee")
OTHERS = [Pupil(make_upn(i), date(2011, 1, 1) + timedelta(days=i)) for i in range(2, 12)]


def invoke(*args: str) -> list[str]:
    result = CliRunner().invoke(app, list(args))
    assert result.exit_code == 0 and "Traceback" not in result.output, result.output
    return result.output.strip().splitlines()


def test_erase_leaves_no_copy_in_the_file_and_lists_earlier_shares(tmp_path: Path) -> None:
    db = tmp_path / "store" / "pupilstats.duckdb"
    where = ["--db", str(db), "--reports", str(tmp_path / "reports")]
    with open_store(db) as con:
        insert_pupils(con, [ERASED, *OTHERS])
    invoke("yss-extract", "--date", "2025-10-02", "--out", "yss.csv", *where)
    invoke("sar", ERASED.upn, "--out", "request-1", *where)
    invoke("sar", OTHERS[0].upn, "--out", "request-2", *where)
    assert strings_hits(db, ERASED.upn) > 0 and strings_hits(db, "Quillfeather") > 0
    key = key_path(db).read_bytes()

    lines = invoke("erase", ERASED.upn, "--reason", "data_subject_request", "--yes", *where)

    assert strings_hits(db, ERASED.upn) == 0
    assert strings_hits(db, "Quillfeather") == 0
    assert strings_hits(db, OTHERS[0].upn) > 0  # the control: still held, still found
    assert stat.S_IMODE(db.stat().st_mode) == 0o600
    assert key_path(db).read_bytes() == key
    assert sorted(p.name for p in db.parent.iterdir()) == [db.name, key_path(db).name]
    text = "\n".join(lines)
    assert "2 share(s) made before this erasure still hold the pupil" in text
    shares = tmp_path / "reports" / "shares"
    assert f"Youth Support Services extract: {shares / 'yss' / 'yss.csv'}" in text
    assert f"subject access bundle: {shares / 'sar' / 'request-1'}" in text
    assert "request-2" not in text
    with open_store(db) as con:
        assert con.execute("SELECT count(*) FROM census").fetchall() == [(len(OTHERS),)]
        assert con.execute(
            "SELECT count(*) FROM rights_audit_log WHERE action = 'erase'"
        ).fetchall() == [(1,)]


def test_a_reload_naming_an_erased_pupil_leaves_no_copy_either(tmp_path: Path) -> None:
    db = tmp_path / "store" / "pupilstats.duckdb"
    with open_store(db) as con:
        insert_pupils(con, [ERASED, *OTHERS])
    invoke("erase", ERASED.upn, "--reason", "data_subject_request", "--yes", "--db", str(db))
    with open_store(db) as con:  # a later delivery names the pupil again
        insert_pupils(con, [ERASED])
    assert strings_hits(db, ERASED.upn) == 0
    assert strings_hits(db, "Quillfeather") == 0
    assert strings_hits(db, OTHERS[0].upn) > 0


def test_erase_with_no_share_says_so(tmp_path: Path) -> None:
    db = tmp_path / "store" / "pupilstats.duckdb"
    with open_store(db) as con:
        insert_pupils(con, [ERASED])
    reports = ["--reports", str(tmp_path / "reports")]
    lines = invoke(
        "erase", ERASED.upn, "--reason", "data_subject_request", "--yes", "--db", str(db), *reports
    )
    assert lines[-1] == "no YSS extract or subject access bundle under the shares folder holds them"


def test_an_erasure_killed_before_its_rewrite_is_rewritten_at_the_next_opening(
    tmp_path: Path,
) -> None:
    """The erasure committed, the command killed before the rewrite: the store owes a
    rewrite (``pipeline.store.rewrite_owed``) and the next command to open it makes it,
    though it finds nothing left to delete."""
    import duckdb

    from pipeline.rights.corrections import erase_pupil
    from pipeline.store.rewrite_owed import rewrite_owed

    db = tmp_path / "store" / "pupilstats.duckdb"
    with open_store(db) as con:
        insert_pupils(con, [ERASED, *OTHERS])
    con = duckdb.connect(str(db))  # the command's own connection, never closed by open_store
    erase_pupil(con, ERASED.upn, "data_subject_request")
    assert rewrite_owed(con)
    con.close()  # what the kill leaves: the deletion committed, no rewrite
    assert strings_hits(db, "Quillfeather") > 0

    with open_store(db) as con:  # any later command
        assert con.execute("SELECT count(*) FROM census").fetchall() == [(len(OTHERS),)]

    assert strings_hits(db, "Quillfeather") == 0 and strings_hits(db, ERASED.upn) == 0
    assert strings_hits(db, OTHERS[0].upn) > 0
    with open_store(db) as con:
        assert not rewrite_owed(con)
