"""Retention cannot be misused by a date or a repeat: impossible ``--as-of`` dates are refused
in one line, a dry run writes nothing, and a second identical run deletes nothing, even as of
a future date (its own records are not past their date)."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from test_rights_retention import fill_store
from typer.testing import CliRunner

from cli import app
from pipeline.rights.retention import apply_retention, check_as_of, dated_rules, load_schedule
from pipeline.store import open_store
from pipeline.store.catalog import stored_tables
from schema.errors import PupilstatsError

TODAY = date.today()
A_YEAR_ON = date(
    TODAY.year + 1, TODAY.month, TODAY.day if (TODAY.month, TODAY.day) != (2, 29) else 28
)


def row_counts(store_path: Path) -> dict[str, int]:
    with open_store(store_path) as con:
        return {
            t.name: con.execute(f"SELECT count(*) FROM {t.quoted()}").fetchall()[0][0]
            for t in stored_tables(con)
        }


def retention(store_path: Path, *args: str) -> tuple[int, list[str]]:
    result = CliRunner().invoke(app, ["retention", *args, "--db", str(store_path)])
    assert "Traceback" not in result.output
    return result.exit_code, result.output.strip().splitlines()


@pytest.mark.parametrize(
    "as_of", ["0001-01-01", "1899-12-31", (A_YEAR_ON + timedelta(days=1)).isoformat()]
)
def test_an_impossible_as_of_is_refused_in_one_line_and_nothing_changes(
    store_path: Path, as_of: str
) -> None:
    with open_store(store_path) as con:
        fill_store(con)
    before = row_counts(store_path)
    code, lines = retention(store_path, "--apply", "--as-of", as_of)
    assert code == 1 and len(lines) == 1
    assert f"--as-of {as_of} is not a possible retention date" in lines[0]
    assert row_counts(store_path) == before


def test_the_limits_themselves_are_possible() -> None:
    assert check_as_of(date(1900, 1, 1), TODAY) == date(1900, 1, 1)
    assert check_as_of(A_YEAR_ON, TODAY) == A_YEAR_ON
    with pytest.raises(PupilstatsError):
        check_as_of(A_YEAR_ON + timedelta(days=1), TODAY)


@pytest.mark.parametrize("as_of", ["2025-10-10", A_YEAR_ON.isoformat()])
def test_a_dry_run_writes_nothing(store_path: Path, as_of: str) -> None:
    with open_store(store_path) as con:
        fill_store(con)
    before = row_counts(store_path)
    code, lines = retention(store_path, "--dry-run", "--as-of", as_of)
    assert code == 0 and "dry run, nothing deleted" in lines[-1]
    assert int(lines[-1].split()[0]) > 0  # it did find rows past their date
    assert row_counts(store_path) == before


def test_a_second_identical_apply_deletes_nothing_even_as_of_a_future_date(
    store_path: Path,
) -> None:
    with open_store(store_path) as con:
        fill_store(con)
    code, first = retention(store_path, "--apply", "--yes", "--as-of", A_YEAR_ON.isoformat())
    assert code == 0 and int(first[-1].split()[0]) > 0
    after_first = row_counts(store_path)
    code, second = retention(store_path, "--apply", "--as-of", A_YEAR_ON.isoformat())
    assert code == 0
    assert second[-1] == f"0 row(s) deleted as of {A_YEAR_ON.isoformat()}"
    after_second = row_counts(store_path)
    assert after_second["rights_audit_log"] == after_first["rights_audit_log"]
    # the only change: the second run's own record of deleting nothing
    assert {k: v for k, v in after_second.items() if v != after_first[k]} == {
        "retention_runs": after_first["retention_runs"] + 1
    }


def test_a_run_keeps_the_audit_records_of_earlier_runs(store_path: Path) -> None:
    schedule = load_schedule()
    with open_store(store_path) as con:
        fill_store(con)
        apply_retention(con, schedule, A_YEAR_ON, apply=True)
        logged = con.execute("SELECT count(*) FROM rights_audit_log").fetchall()
        assert apply_retention(con, schedule, A_YEAR_ON, apply=True) == []
        assert con.execute("SELECT count(*) FROM rights_audit_log").fetchall() == logged


def test_the_logs_are_aged_from_today_at_the_latest() -> None:
    schedule = load_schedule()
    rules = {
        (table, rule): cutoff
        for table, rule, _, cutoff in dated_rules(schedule, date(2040, 1, 1), date(2026, 3, 1))
    }
    logs = date(2026 - schedule.audit_keep_years, 3, 1)
    assert rules[("rights_audit_log", "audit_log")] == logs
    assert rules[("retention_runs", "audit_log")] == logs
    health = date(2040 - schedule.health_keep_years, 1, 1)
    assert rules[(schedule.health_table, "health_measurements")] == health
