"""Writing an audited release and recording which pupils it counted and excluded."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from disclosure import AuditReport, Profile, Protection, Table
from flows.tasks.base import store_task
from pipeline.release.tables import input_digests, release_tables
from pipeline.release.writer import write_release
from pipeline.rights.release_population import record_release_population
from pipeline.store import open_store


@store_task(name="release")
def write_protected_release(
    *,
    db_path: Path,
    releases_dir: Path,
    flow: str,
    reference_date: date,
    profile: Profile,
    tables: list[Table],
    protection: Protection,
    report: AuditReport,
    inputs: list[str],
    measure: str,
) -> Path:
    """Write the release atomically (refused unless the audit passed), then record which
    pupils it counted and which an opt-out excluded (for subject access requests)."""
    with open_store(db_path) as con:
        digests = input_digests(con, inputs)
    release = write_release(
        releases_dir=releases_dir,
        flow=flow,
        reference_date=reference_date.isoformat(),
        profile=profile,
        tables=release_tables(tables, protection, measure),
        inputs=digests,
        audit=report.as_dict(),
    )
    with open_store(db_path) as con:
        record_release_population(
            con, release_id=release.name, flow=flow, reference_date=reference_date
        )
    return release
