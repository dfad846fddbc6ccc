"""The rights audit log: what was done to whose records, holding no more than needed.

Each entry names the action (``correct``, ``erase``, ``sar``, ``yss_extract``,
``consent_record``, ``consent_withdraw``, ``retention``), the pupil only by keyed hash
(``pipeline.store.pupil_keys``), the table and field touched, how many rows, the reason
and the time. It never holds a UPN, a name or an old or new value (UK GDPR Art. 5(1)(c),
data minimisation), so it can be kept after the records themselves are erased or expired.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

import duckdb

from pipeline.rights.identifier_guard import identifier_in, names_in
from schema.errors import PupilstatsError

ACTIONS: tuple[str, ...] = (
    "consent_record",
    "consent_withdraw",
    "correct",
    "erase",
    "retention",
    "sar",
    "yss_extract",
)

_UPN_SHAPE = re.compile(r"[A-Z][0-9]{11}[0-9A-Z]", re.IGNORECASE)


@dataclass(frozen=True)
class AuditEntry:
    action: str
    reason: str
    pupil_key: str | None = None
    table_name: str | None = None
    field: str | None = None
    rows_affected: int = 0


def checked_reason(reason: str, *, names: Iterable[str] = (), option: str = "--reason") -> str:
    """A reason typed by a user, trimmed; refused in one line naming ``option`` if empty or
    if it holds something shaped like a UPN, a postcode or a date, or one of ``names`` (the
    pupil's own) (``pipeline.rights.identifier_guard``): the log outlives erasure and must
    not name the pupil."""
    text = _checked_upn_free(reason, option)
    found = identifier_in(text)
    if found is None and names_in(text, names):
        found = "the pupil's name"
    if found is not None:
        raise PupilstatsError(
            f"{option} must not contain {found}: the audit log outlives erasure and names "
            "pupils by keyed hash only"
        )
    return text


def _checked_upn_free(reason: str, option: str = "the reason") -> str:
    """Any logged reason (the commands' own name dates): trimmed, not empty, no UPN."""
    text = reason.strip()
    if not text:
        raise PupilstatsError(f"a reason is required ({option}): say why, without naming the pupil")
    if _UPN_SHAPE.search(text):
        raise PupilstatsError(
            f"{option} must not contain a UPN: the audit log names pupils by keyed hash only"
        )
    return text


def now_utc() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def log_actions(con: duckdb.DuckDBPyConnection, entries: list[AuditEntry]) -> None:
    """Append ``entries`` to the audit log (inside the caller's transaction, if any)."""
    performed_at = now_utc()
    for entry in entries:
        if entry.action not in ACTIONS:
            raise ValueError(f"unknown audit action {entry.action!r}")
        con.execute(
            "INSERT INTO rights_audit_log VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [
                uuid.uuid4().hex,
                entry.action,
                entry.pupil_key,
                entry.table_name,
                entry.field,
                entry.rows_affected,
                _checked_upn_free(entry.reason),
                performed_at,
            ],
        )


def entries_for(con: duckdb.DuckDBPyConnection, pupil_key: str) -> list[dict[str, object]]:
    """The audit entries naming one pupil, oldest first."""
    cursor = con.execute(
        "SELECT action, table_name, field, rows_affected, reason, performed_at "
        "FROM rights_audit_log WHERE pupil_key = ? ORDER BY performed_at, entry_id",
        [pupil_key],
    )
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
