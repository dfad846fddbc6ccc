"""Retention: what is past its date is deleted, counted per table, and a second run deletes
nothing."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import duckdb
from rights_store import CENSUS_DATE, Pupil, insert_pupils, make_upn, record_census_population
from typer.testing import CliRunner

from cli import app
from pipeline.rights.consent_register import Instruction, record_instruction
from pipeline.rights.retention import apply_retention, load_schedule
from pipeline.rights.subject_access import rows_held
from pipeline.store import open_store
from pipeline.store.pupil_keys import pupil_key, store_key

AS_OF = date(2025, 10, 10)
EXPIRED = Pupil(make_upn(1), date(2000, 10, 10), nc_year="13")  # 25 on AS_OF
NOT_YET = Pupil(make_upn(2), date(2000, 10, 11), nc_year="13")  # 25 the day after
CHILD = Pupil(make_upn(3), date(2014, 5, 5), nc_year="6")


def fill_store(con: duckdb.DuckDBPyConnection) -> None:
    insert_pupils(con, [EXPIRED, NOT_YET, CHILD])
    record_instruction(
        con,
        Instruction(
            EXPIRED.upn, "research_opt_out", "young_person", date(2019, 1, 1), date(2019, 1, 1), "Y"
        ),
    )
    record_census_population(con, "r1", "f", CENSUS_DATE)
    for measured in (date(2015, 10, 10), date(2015, 10, 11), date(2020, 6, 1)):
        con.execute(
            "INSERT INTO ncmp VALUES ('2015/16', ?, '3594001', 'R', ?, 110.0, 19.0)",
            [CHILD.upn, measured],
        )
    for at in (datetime(2025, 7, 12, 9), datetime(2025, 7, 13, 9)):
        con.execute(
            "INSERT INTO quarantine VALUES ('l', 'census', 'd', 'census.csv', 3, NULL, "
            "'upn', 'X1', 'bad check letter', ?)",
            [at],
        )
    con.execute(
        "INSERT INTO rights_audit_log VALUES ('old', 'sar', NULL, NULL, NULL, 0, 'old', ?)",
        [datetime(2019, 10, 10, 12)],
    )


def past_date_rows(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Direct checks of the schedule's rules (defaults: 25th birthday, NCMP 10 years,
    quarantine 90 days, logs 6 years)."""
    key = pupil_key(store_key(con), EXPIRED.upn)
    one = {
        "census past 25th birthday": "SELECT count(*) FROM census "
        "WHERE date_of_birth + INTERVAL 25 YEAR <= DATE '2025-10-10'",
        "ncmp past 10 years": "SELECT count(*) FROM ncmp "
        "WHERE measurement_date <= DATE '2015-10-10'",
        "quarantine past 90 days": "SELECT count(*) FROM quarantine "
        "WHERE quarantined_at::DATE <= DATE '2025-07-12'",
        "audit past 6 years": "SELECT count(*) FROM rights_audit_log "
        "WHERE performed_at::DATE <= DATE '2019-10-10'",
    }
    counts = {name: con.execute(sql).fetchall()[0][0] for name, sql in one.items()}
    held = rows_held(con, EXPIRED.upn, key)
    counts["rows on the expired pupil"] = sum(
        len(t["rows"]) for name, t in held.items() if name != "rights_audit_log"
    )
    return counts


def test_apply_deletes_everything_past_its_date_and_a_second_run_nothing(
    store_path: Path,
) -> None:
    schedule = load_schedule()
    with open_store(store_path) as con:
        fill_store(con)
        before = past_date_rows(con)
        assert all(before.values()), before
        planned = apply_retention(con, schedule, AS_OF, apply=False)
        assert past_date_rows(con) == before  # a dry run deletes nothing
        applied = apply_retention(con, schedule, AS_OF, apply=True)
        assert applied == planned
        assert set(past_date_rows(con).values()) == {0}
        assert apply_retention(con, schedule, AS_OF, apply=True) == []
        # what is not yet past its date stays
        assert con.execute("SELECT upn FROM census ORDER BY upn").fetchall() == sorted(
            [(NOT_YET.upn,), (CHILD.upn,)]
        )
        assert con.execute("SELECT count(*) FROM ncmp").fetchall() == [(2,)]
        assert con.execute("SELECT count(*) FROM quarantine").fetchall() == [(1,)]
        runs = con.execute(
            "SELECT applied, count(*) FROM retention_runs GROUP BY applied ORDER BY applied"
        ).fetchall()
    by_table = {(c.table, c.rule): c.rows for c in applied}
    assert by_table[("census", "pupil_records")] == 1
    assert by_table[("consent_instructions", "pupil_records")] == 1
    assert by_table[("release_population", "pupil_records")] == 1
    assert by_table[("ncmp", "health_measurements")] == 1
    assert by_table[("quarantine", "quarantine")] == 1
    assert by_table[("rights_audit_log", "audit_log")] == 1
    assert runs == [(True, len(applied) + 1)]  # the dry run wrote nothing


def test_retention_command(store_path: Path) -> None:
    with open_store(store_path) as con:
        fill_store(con)
    db = ["--as-of", AS_OF.isoformat(), "--db", str(store_path)]
    dry = CliRunner().invoke(app, ["retention", "--dry-run", *db])
    assert dry.exit_code == 0, dry.output
    assert "dry run, nothing deleted" in dry.output
    first = CliRunner().invoke(app, ["retention", "--apply", "--yes", *db])
    assert first.exit_code == 0 and "census" in first.output
    second = CliRunner().invoke(app, ["retention", "--apply", *db])
    assert second.exit_code == 0
    assert "0 row(s) deleted as of 2025-10-10" in second.output
    both = CliRunner().invoke(app, ["retention", "--apply", "--dry-run", *db])
    assert both.exit_code == 1 and "not both" in both.output


def test_each_period_is_configurable(store_path: Path, tmp_path: Path) -> None:
    config = tmp_path / "retention.toml"
    config.write_text(
        "[pupil_records]\nuntil_birthday = 26\n"
        '[health_measurements]\ntable = "ncmp"\ndate_column = "measurement_date"\n'
        "keep_years = 5\n[quarantine]\nkeep_days = 365\n[audit_log]\nkeep_years = 10\n"
    )
    with open_store(store_path) as con:
        fill_store(con)
        counts = apply_retention(con, load_schedule(config), AS_OF, apply=True)
    assert {(c.table, c.rule): c.rows for c in counts} == {("ncmp", "health_measurements"): 3}
