"""Correction and erasure: the store changes, later statistics follow, and the audit log
records the action without the values."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import duckdb
import polars as pl
import pytest
from rights_store import CENSUS_DATE, SCHOOL, Pupil, insert_pupils, make_upn
from typer.testing import CliRunner

from cli import app
from pipeline.releases.funding_round.tables import funding_tables
from pipeline.rights.corrections import correct_field, erase_pupil
from pipeline.rights.subject_access import rows_held
from pipeline.store import open_store
from pipeline.store.pupil_keys import pupil_key, store_key
from schema.errors import PupilstatsError

runner = CliRunner()
PUPILS = [Pupil(make_upn(i), date(2011, 1, 1) + timedelta(days=7 * i)) for i in range(1, 11)]


def fsm_count(con: duckdb.DuckDBPyConnection, fsm: str) -> int:
    table = next(t for t in funding_tables(con, CENSUS_DATE) if t.name == "funding_fsm")
    cell = table.cells.filter((pl.col("school") == SCHOOL) & (pl.col("fsm") == fsm))
    return int(cell["value"][0])


def audit_rows(con: duckdb.DuckDBPyConnection) -> list[tuple]:
    return con.execute(
        "SELECT action, pupil_key, table_name, field, rows_affected, reason "
        "FROM rights_audit_log ORDER BY performed_at, table_name"
    ).fetchall()


def test_a_correction_changes_later_statistics_and_logs_no_value(
    con: duckdb.DuckDBPyConnection,
) -> None:
    insert_pupils(con, PUPILS)
    upn = PUPILS[0].upn
    assert fsm_count(con, "Y") == 0
    assert correct_field(con, upn, "census", "fsm_eligible", "Y", "school_correction") == 1
    assert fsm_count(con, "Y") == 1
    assert correct_field(con, upn, "census", "postcode", "WN9 9ZZ", "data_subject_request") == 1
    log = audit_rows(con)
    key = pupil_key(store_key(con), upn)
    assert log[0] == ("correct", key, "census", "fsm_eligible", 1, "school_correction")
    text = repr(log)
    assert upn not in text and "WN9 9ZZ" not in text and "WN1 1AA" not in text


@pytest.mark.parametrize(
    ("table", "field", "value", "message"),
    [
        ("census", "upn", "B801200005001", "cannot be corrected"),
        ("census", "census_date", "2025-10-03", "cannot be corrected"),
        ("census", "sen_provision", "Q", "not a code of sen_provision"),
        ("census", "date_of_birth", "2011-02-30", "not a valid date_of_birth"),
        ("census", "idaci_score", "1.5", "at most 1.0"),
        ("census", "shoe_size", "5", "has no field"),
        ("consent", "recorded_by", "parent", "cannot correct table"),
        ("ks2", "reading_score", "100", "holds no row"),
    ],
)
def test_bad_corrections_are_refused(
    con: duckdb.DuckDBPyConnection, table: str, field: str, value: str, message: str
) -> None:
    insert_pupils(con, PUPILS[:1])
    with pytest.raises(PupilstatsError, match=message):
        correct_field(con, PUPILS[0].upn, table, field, value, "la_data_check")
    assert audit_rows(con) == []


def test_a_reason_that_is_not_a_code_is_refused(con: duckdb.DuckDBPyConnection) -> None:
    insert_pupils(con, PUPILS[:1])
    with pytest.raises(PupilstatsError, match="is not a reason correct takes"):
        correct_field(con, PUPILS[0].upn, "census", "sex", "M", f"for {PUPILS[0].upn}")
    assert audit_rows(con) == []


def test_erasure_removes_every_row_and_survives_a_reload(store_path: Path) -> None:
    upn = PUPILS[0].upn
    with open_store(store_path) as con:
        insert_pupils(con, PUPILS)
        con.execute(
            "INSERT INTO consent VALUES (?, 'research_opt_out', 'parent', ?, ?, NULL, 'CR-1')",
            [upn, date(2025, 1, 1), date(2025, 1, 1)],
        )
        key = pupil_key(store_key(con), upn)
    result = runner.invoke(
        app, ["erase", upn, "--reason", "data_subject_request", "--yes", "--db", str(store_path)]
    )
    assert result.exit_code == 0, result.output
    assert "census" in result.output
    with open_store(store_path) as con:
        held = rows_held(con, upn, key)
        assert set(held) == {"rights_audit_log"}
        assert {r[1] for r in audit_rows(con)} == {key}
        assert con.execute("SELECT count(*) FROM census").fetchall() == [(len(PUPILS) - 1,)]
        # a later delivery brings the pupil back: erased again when the store is next opened
        insert_pupils(con, PUPILS[:1])
    with open_store(store_path) as con:
        assert set(rows_held(con, upn, key)) == {"rights_audit_log"}


def test_correct_command(store_path: Path) -> None:
    with open_store(store_path) as con:
        insert_pupils(con, PUPILS[:2])
    upn = PUPILS[1].upn
    args = [
        "correct",
        upn,
        "--field",
        "sen_provision",
        "--value",
        "E",
        "--reason",
        "school_correction",
    ]
    result = runner.invoke(app, [*args, "--db", str(store_path)])
    assert result.exit_code == 0, result.output
    with open_store(store_path) as con:
        assert con.execute("SELECT sen_provision FROM census WHERE upn = ?", [upn]).fetchall() == [
            ("E",)
        ]
    bad = runner.invoke(
        app, [*args[:4], "--value", "Z", "--reason", "school_correction", "--db", str(store_path)]
    )
    assert bad.exit_code == 1 and "not a code of sen_provision" in bad.output


def test_erasing_a_pupil_not_yet_held_keeps_later_deliveries_out(store_path: Path) -> None:
    upn = PUPILS[2].upn
    with open_store(store_path) as con:
        assert erase_pupil(con, upn, "data_subject_request") == {}
        insert_pupils(con, PUPILS[2:4])
    with open_store(store_path) as con:
        held = con.execute("SELECT upn FROM census").fetchall()
    assert held == [(PUPILS[3].upn,)]


def test_a_reload_of_the_corrected_delivery_is_corrected_again(store_path: Path) -> None:
    upn = PUPILS[0].upn
    with open_store(store_path) as con:
        insert_pupils(con, PUPILS[:3])
        correct_field(con, upn, "census", "sen_provision", "E", "school_correction")
        # the school's unchanged file is loaded again: same census date, old value
        con.execute("DELETE FROM census")
        insert_pupils(con, PUPILS[:3])
        assert con.execute("SELECT sen_provision FROM census WHERE upn = ?", [upn]).fetchall() == [
            ("N",)
        ]
    with open_store(store_path) as con:
        rows = con.execute(
            "SELECT census_date, sen_provision FROM census WHERE upn = ? ORDER BY 1", [upn]
        ).fetchall()
        assert rows == [(CENSUS_DATE, "E")]
        # a later census is the school's own data: not changed
        later = date(CENSUS_DATE.year + 1, 10, 1)
        insert_pupils(con, PUPILS[:1], census_date=later)
    with open_store(store_path) as con:
        rows = con.execute(
            "SELECT census_date, sen_provision FROM census WHERE upn = ? ORDER BY 1", [upn]
        ).fetchall()
        assert rows == [(CENSUS_DATE, "E"), (later, "N")]
        held = rows_held(con, upn, pupil_key(store_key(con), upn))
        assert "pupil_corrections" in held
    erase_pupil_args = ["erase", upn, "--reason", "data_subject_request", "--yes"]
    assert runner.invoke(app, [*erase_pupil_args, "--db", str(store_path)]).exit_code == 0
    with open_store(store_path) as con:
        assert con.execute("SELECT count(*) FROM pupil_corrections").fetchall() == [(0,)]
