"""The retention schedule and deleting what is past its date.

The schedule is data (``pipeline/config/retention.toml``): pupil records until a birthday
(default the 25th), health measurements for some years after measurement, quarantined rows
for some days, the audit and retention logs for some years. ``retention_plan`` counts, per
table and rule, the rows past their date on a day; ``apply_retention`` deletes them in one
transaction and logs the counts; a dry run only counts and writes nothing. Running it again
with the same ``--as-of`` deletes nothing (the logs are never aged past today, so a run does
not expire its own record), so it is safe to run nightly (DuckDB's file lock keeps two runs
from writing at once). ``--as-of`` is refused before 1900 and over a year ahead. The release
ledger holds aggregates only and is kept as long as the releases it describes: no rule
deletes it (``pipeline.store.ledger_tables``).
"""

from __future__ import annotations

import tomllib
import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import duckdb
import polars as pl

from pipeline.fault_points import fault_point
from pipeline.rights.audit_log import AuditEntry, log_actions, now_utc
from pipeline.rights.restriction import birthday
from pipeline.store.catalog import held_on_any_sql, quote, stored_tables
from pipeline.store.ledger_tables import LEDGER_TABLES
from pipeline.store.pupil_keys import pupil_keys, store_key
from pipeline.store.rewrite_owed import owe_rewrite
from pipeline.store.transaction import rollback_quietly
from pipeline.store.upkeep import AUDIT_LOG_TABLE
from schema.errors import PupilstatsError

SCHEDULE_FILE = Path(__file__).resolve().parents[1] / "config" / "retention.toml"
PUPIL_RULE = "pupil_records"
EARLIEST_AS_OF = date(1900, 1, 1)


@dataclass(frozen=True)
class RetentionSchedule:
    until_birthday: int
    health_table: str
    health_date_column: str
    health_keep_years: int
    quarantine_keep_days: int
    audit_keep_years: int
    confirm_above_share: float = 0.10
    """An applied run that would delete more than this share of the store's rows asks for
    confirmation (or ``--yes``) first: a wrong ``--as-of`` or schedule shows up as a
    large share before anything is deleted."""


@dataclass(frozen=True)
class RetentionCount:
    """Rows of one table past their date under one rule."""

    table: str
    rule: str
    rows: int


def load_schedule(path: Path = SCHEDULE_FILE) -> RetentionSchedule:
    with path.open("rb") as handle:
        raw = tomllib.load(handle)
    return RetentionSchedule(
        until_birthday=int(raw["pupil_records"]["until_birthday"]),
        health_table=str(raw["health_measurements"]["table"]),
        health_date_column=str(raw["health_measurements"]["date_column"]),
        health_keep_years=int(raw["health_measurements"]["keep_years"]),
        quarantine_keep_days=int(raw["quarantine"]["keep_days"]),
        audit_keep_years=int(raw["audit_log"]["keep_years"]),
        confirm_above_share=_share(raw.get("confirmation", {}).get("above_share", 0.10)),
    )


def _share(value: object) -> float:
    share = float(value)  # type: ignore[arg-type]
    if not 0.0 <= share <= 1.0:
        raise PupilstatsError(
            f"retention schedule: confirmation.above_share must be from 0 to 1, not {value}"
        )
    return share


def stored_rows(con: duckdb.DuckDBPyConnection) -> int:
    """The rows of every table of the store except the release ledger's (aggregates that
    no rule deletes): what the share of a run's deletions is taken of."""
    counts = [
        f"(SELECT count(*) FROM {t.quoted()})"
        for t in stored_tables(con)
        if t.name not in LEDGER_TABLES
    ]
    return int(con.execute("SELECT " + " + ".join(counts)).fetchall()[0][0]) if counts else 0


def share_deleted(counts: list[RetentionCount], total_rows: int) -> float:
    """The share of ``total_rows`` that ``counts`` delete (0 for an empty store)."""
    return sum(c.rows for c in counts) / total_rows if total_rows else 0.0


def expired_pupils(
    con: duckdb.DuckDBPyConnection, schedule: RetentionSchedule, as_of: date
) -> list[str]:
    """UPNs of pupils who reached the schedule's birthday on or before ``as_of`` (date of
    birth from their latest census)."""
    rows = con.execute(
        "SELECT upn, arg_max(date_of_birth, census_date) FROM census "
        "WHERE upn IS NOT NULL AND date_of_birth IS NOT NULL GROUP BY upn"
    ).fetchall()
    return sorted(upn for upn, dob in rows if birthday(dob, schedule.until_birthday) <= as_of)


def _years_before(day: date, years: int) -> date:
    """The date ``years`` whole years before ``day`` (29 February: 28 February)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return date(day.year - years, 2, 28)


def check_as_of(as_of: date, today: date) -> date:
    """``as_of``, or one clear error when it is not a date a retention run can be as of:
    before 1900 (no pupil record is that old) or more than a year after ``today``."""
    latest = _years_before(today, -1)
    if not EARLIEST_AS_OF <= as_of <= latest:
        raise PupilstatsError(
            f"--as-of {as_of.isoformat()} is not a possible retention date: give a date from "
            f"{EARLIEST_AS_OF.isoformat()} to {latest.isoformat()}"
        )
    return as_of


def dated_rules(
    schedule: RetentionSchedule, as_of: date, today: date | None = None
) -> list[tuple[str, str, str, object]]:
    """(table, rule, WHERE clause, cut-off) for rules that expire rows by a date column.

    The logs are aged from ``today`` at the latest (default: the real today): a run as of a
    later date does not delete the record of what it or an earlier run did today, so a second
    identical run deletes nothing."""
    logs_as_of = min(as_of, today or date.today())
    health = quote(schedule.health_date_column)
    return [
        (
            schedule.health_table,
            "health_measurements",
            f"{health} <= ?",
            _years_before(as_of, schedule.health_keep_years),
        ),
        (
            "quarantine",
            "quarantine",
            "CAST(quarantined_at AS DATE) <= ?",
            as_of - timedelta(days=schedule.quarantine_keep_days),
        ),
        (
            AUDIT_LOG_TABLE,
            "audit_log",
            "CAST(performed_at AS DATE) <= ?",
            _years_before(logs_as_of, schedule.audit_keep_years),
        ),
        (
            "retention_runs",
            "audit_log",
            "as_of <= ?",
            _years_before(logs_as_of, schedule.audit_keep_years),
        ),
    ]


def _register_expired(con: duckdb.DuckDBPyConnection, upns: list[str]) -> None:
    keys = pupil_keys(store_key(con), upns) if upns else {}
    con.register("expired_upns", pl.DataFrame({"upn": upns}, schema={"upn": pl.Utf8}).to_arrow())
    con.register(
        "expired_keys",
        pl.DataFrame({"pupil_key": list(keys.values())}, schema={"pupil_key": pl.Utf8}).to_arrow(),
    )


def _unregister_expired(con: duckdb.DuckDBPyConnection) -> None:
    con.unregister("expired_upns")
    con.unregister("expired_keys")


def _delete_past_date(
    con: duckdb.DuckDBPyConnection, schedule: RetentionSchedule, as_of: date
) -> list[RetentionCount]:
    """Delete (in the caller's transaction) every row past its date; counts per table and
    rule. A row deleted under the pupil-records rule is not counted again by a dated rule."""
    counts: list[RetentionCount] = []
    tables = {t.name: t for t in stored_tables(con)}
    upns = expired_pupils(con, schedule, as_of)
    _register_expired(con, upns)
    try:
        for table in tables.values():
            if table.name == AUDIT_LOG_TABLE or not upns:
                continue
            where = held_on_any_sql(table, "expired_upns", "expired_keys")
            if where is None:
                continue
            sql = f"DELETE FROM {table.quoted()} WHERE {where}"
            counts.append(RetentionCount(table.name, PUPIL_RULE, con.execute(sql).fetchall()[0][0]))
    finally:
        _unregister_expired(con)
    for name, rule, where, cutoff in dated_rules(schedule, as_of):
        if name not in tables:
            continue
        sql = f"DELETE FROM {quote(name)} WHERE {where}"
        counts.append(RetentionCount(name, rule, con.execute(sql, [cutoff]).fetchall()[0][0]))
    return [c for c in counts if c.rows]


def retention_plan(
    con: duckdb.DuckDBPyConnection, schedule: RetentionSchedule, as_of: date
) -> list[RetentionCount]:
    """The rows past their date on ``as_of``, per table and rule; nothing is deleted (the
    deletions are made in a transaction that is rolled back, so the counts are exact)."""
    con.execute("BEGIN TRANSACTION")
    try:
        return _delete_past_date(con, schedule, as_of)
    finally:
        rollback_quietly(con)


def _log_run(
    con: duckdb.DuckDBPyConnection, counts: list[RetentionCount], as_of: date, applied: bool
) -> None:
    run_id = uuid.uuid4().hex
    run_at = now_utc()
    for c in counts or [RetentionCount("(none)", "(nothing past its date)", 0)]:
        con.execute(
            "INSERT INTO retention_runs VALUES (?, ?, ?, ?, ?, ?, ?)",
            [run_id, run_at, as_of, applied, c.table, c.rule, c.rows],
        )


def apply_retention(
    con: duckdb.DuckDBPyConnection, schedule: RetentionSchedule, as_of: date, *, apply: bool
) -> list[RetentionCount]:
    """Count (``apply=False``) or delete (``apply=True``) what is past its date; log counts.

    Deleting is one transaction: all rules or none. An applied run is logged in
    ``retention_runs`` and the rights audit log; a dry run writes nothing at all. ``as_of``
    must pass :func:`check_as_of`.
    """
    check_as_of(as_of, date.today())
    if not apply:
        return retention_plan(con, schedule, as_of)
    con.execute("BEGIN TRANSACTION")
    try:
        counts = _delete_past_date(con, schedule, as_of)
        _log_run(con, counts, as_of, applied=True)
        log_actions(
            con,
            [
                AuditEntry(
                    action="retention",
                    table_name=c.table,
                    field=c.rule,
                    rows_affected=c.rows,
                    reason=f"past its date under the retention schedule on {as_of.isoformat()}",
                )
                for c in counts
            ],
        )
        if any(c.rows for c in counts):
            owe_rewrite(con, "retention")
        fault_point("retention: deleted, not committed")
        con.execute("COMMIT")
        fault_point("retention: committed")
    except Exception:
        rollback_quietly(con)
        raise
    return counts
