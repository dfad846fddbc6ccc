"""Withdrawing a release from the ledger: marked, with when and why, never deleted.

A withdrawn release keeps every row of its ledger entry and of its population record (it
was published: subject access still says it used a pupil's data). It is no longer the
release a later run of its period is compared with: that run writes a release of its own
(``pipeline.ledger.revisions``). Its folder under ``reports/releases/`` is not touched.
"""

from __future__ import annotations

import duckdb

from pipeline.ledger.read import LedgerRelease, ledger_release
from pipeline.rights.audit_log import checked_reason, now_utc
from pipeline.rights.release_population import PUBLISHED
from schema.errors import PupilstatsError


def withdraw_release(con: duckdb.DuckDBPyConnection, release_id: str, reason: str) -> LedgerRelease:
    """Mark ``release_id`` withdrawn with ``reason`` (required, never a UPN) and return it as
    the ledger now holds it. Refused for a release not in the ledger, not published or
    already withdrawn."""
    why = checked_reason(reason)
    release = ledger_release(con, release_id)
    if release is None:
        raise PupilstatsError(
            f"no release {release_id!r} in the ledger (`pupilstats ledger list` lists them)"
        )
    if release.withdrawn:
        raise PupilstatsError(
            f"release {release_id} was withdrawn on {release.withdrawn_at:%Y-%m-%d %H:%M} UTC "
            f"({release.withdrawn_reason})"
        )
    if release.state != PUBLISHED:
        raise PupilstatsError(f"release {release_id} is {release.state}, not published")
    con.execute(
        "UPDATE release_records SET withdrawn_at = ?, withdrawn_reason = ? "
        "WHERE release_id = ? AND withdrawn_at IS NULL",
        [now_utc(), why, release_id],
    )
    withdrawn = ledger_release(con, release_id)
    assert withdrawn is not None
    return withdrawn
