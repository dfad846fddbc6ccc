"""A subject access bundle lists every row the store holds on the pupil, in every table."""

from __future__ import annotations

import json
import stat
from datetime import date, datetime
from pathlib import Path

import duckdb
import pytest
from rights_store import CENSUS_DATE, Pupil, insert_pupils, make_upn, record_census_population
from typer.testing import CliRunner

from cli import app
from pipeline.rights.consent_register import Instruction, record_instruction
from pipeline.rights.corrections import correct_field
from pipeline.rights.subject_access import subject_access_bundle, write_sar_bundle
from pipeline.store import open_store
from pipeline.store.pupil_keys import pupil_key, store_key
from schema.errors import PupilstatsError

SUBJECT = make_upn(1)
OTHER = make_upn(2)


def fill_store(con: duckdb.DuckDBPyConnection) -> None:
    """Rows on the subject in many places, and rows on another pupil."""
    insert_pupils(con, [Pupil(SUBJECT, date(2012, 4, 1)), Pupil(OTHER, date(2012, 5, 1))])
    insert_pupils(con, [Pupil(SUBJECT, date(2012, 4, 1))], census_date=date(2024, 10, 3))
    con.execute(
        "INSERT INTO ks2 VALUES ('2023/24', ?, '3594001', 101, NULL, 99, NULL, 'EXS')", [SUBJECT]
    )
    for upn, value, field in ((SUBJECT, "812", "reading_score"), (None, SUBJECT, "upn")):
        con.execute(
            "INSERT INTO quarantine VALUES ('l1', 'ks2', '2023/24', 'ks2.csv', 7, ?, ?, ?, "
            "'bad', ?)",
            [upn, field, value, datetime(2025, 10, 10)],
        )
    con.execute(
        "INSERT INTO consent VALUES (?, 'research_opt_out', 'parent', ?, ?, NULL, 'CR-1')",
        [SUBJECT, date(2025, 1, 1), date(2025, 1, 1)],
    )
    record_instruction(
        con,
        Instruction(
            OTHER, "parental_restriction", "parent", date(2025, 2, 1), date(2025, 2, 1), "L"
        ),
    )
    correct_field(con, SUBJECT, "census", "postcode", "WN2 2BB", "data_subject_request")
    record_census_population(con, "funding-round-test", "funding-round", CENSUS_DATE)
    # a table added after the rights code was written is covered too
    con.execute("CREATE TABLE later_input (pupil VARCHAR, score BIGINT)")
    con.execute("INSERT INTO later_input VALUES (?, 5), (?, 6)", [SUBJECT, OTHER])


def rows_by_direct_query(con: duckdb.DuckDBPyConnection, upn: str) -> dict[str, list[tuple]]:
    """Independently of the code under test: every base table in the catalog, every row in
    which any column, read as text, equals the UPN or its keyed hash."""
    key = pupil_key(store_key(con), upn)
    tables = [
        r[0]
        for r in con.execute(
            "SELECT table_name FROM information_schema.tables "
            "WHERE table_type = 'BASE TABLE' AND table_catalog = current_database()"
        ).fetchall()
    ]
    found = {}
    for table in tables:
        columns = [
            r[0]
            for r in con.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_name = ? "
                "ORDER BY ordinal_position",
                [table],
            ).fetchall()
        ]
        where = " OR ".join(f'CAST("{c}" AS VARCHAR) IN (?, ?)' for c in columns)
        rows = con.execute(f'SELECT * FROM "{table}" WHERE {where}', [upn, key] * len(columns))
        fetched = rows.fetchall()
        if fetched:
            found[table] = fetched
    return found


def as_json_rows(rows: list[tuple]) -> list[list[object]]:
    return json.loads(
        json.dumps(
            [list(r) for r in rows],
            default=lambda v: (
                v.isoformat(timespec="seconds") if isinstance(v, datetime) else v.isoformat()
            ),
        )
    )


def test_bundle_lists_every_row_held_on_the_pupil(store_path: Path) -> None:
    with open_store(store_path) as con:
        fill_store(con)
    with open_store(store_path) as con:
        expected = rows_by_direct_query(con, SUBJECT)
        bundle = subject_access_bundle(con, SUBJECT)
    assert {"census", "ks2", "quarantine", "consent", "consent_instructions"} <= set(expected)
    assert {"rights_audit_log", "release_population", "later_input"} <= set(expected)
    assert set(bundle["tables"]) == set(expected)
    for table, rows in expected.items():
        held = bundle["tables"][table]["rows"]
        assert sorted(map(json.dumps, held)) == sorted(map(json.dumps, as_json_rows(rows))), table
    assert bundle["rows_held"] == sum(len(r) for r in expected.values())
    assert OTHER not in json.dumps(bundle)
    assert [h["source_ref"] for h in bundle["consent_history"]] == ["CR-1"]
    assert bundle["releases"] == [
        {
            "release_id": "funding-round-test",
            "flow": "funding-round",
            "reference_date": CENSUS_DATE.isoformat(),
            "status": "excluded_opt_out",
        }
    ]


def test_sar_command_writes_json_and_a_readable_summary(store_path: Path, tmp_path: Path) -> None:
    with open_store(store_path) as con:
        fill_store(con)
    reports = tmp_path / "reports"
    out = reports / "shares" / "sar" / "request-1"
    result = CliRunner().invoke(
        app,
        ["sar", SUBJECT, "--out", "request-1", "--db", str(store_path), "--reports", str(reports)],
    )
    assert result.exit_code == 0, result.output
    bundle = json.loads((out / "subject-access.json").read_text())
    summary = (out / "subject-access.md").read_text()
    assert bundle["upn"] == SUBJECT
    assert f"# What we hold about pupil {SUBJECT}" in summary
    assert "excluded the pupil (research opt-out" in summary
    for table in bundle["tables"]:
        assert f"### {table} (" in summary
    assert stat.S_IMODE(out.stat().st_mode) == 0o700
    assert stat.S_IMODE((out / "subject-access.json").stat().st_mode) == 0o600
    with open_store(store_path) as con:
        logged = con.execute("SELECT count(*) FROM rights_audit_log WHERE action = 'sar'")
        assert logged.fetchall() == [(1,)]


def test_sar_refuses_the_releases_folder_and_unknown_pupils(
    store_path: Path, tmp_path: Path
) -> None:
    with open_store(store_path) as con:
        fill_store(con)
        reports = tmp_path / "reports"
        releases = reports / "releases"
        with pytest.raises(PupilstatsError, match="person-level"):
            write_sar_bundle(con, SUBJECT, releases / "sar", shares_dir=reports / "shares")
        assert not releases.exists()
        with pytest.raises(PupilstatsError, match="holds nothing"):
            subject_access_bundle(con, make_upn(50))
