"""The health release's tasks: classify and count, protect, release.

Classification and counting are one task: the classified children are pupil-level rows and
never leave the store's process as a task result; only the aggregated tables and counts of
what was left out do.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from disclosure import AuditReport, Profile, Protection, Table
from flows.tasks.base import store_task
from pipeline.aggregate.health import health_tables
from pipeline.health.measurements import classified_year
from pipeline.health.population import record_health_population
from pipeline.health.protection import protect_health_tables
from pipeline.health.publication import health_release_tables
from pipeline.health.recipient_note import health_note
from pipeline.release.note import NOTE_FILE
from pipeline.release.tables import input_digests
from pipeline.release.writer import write_release
from pipeline.store import open_store

HEALTH_INPUTS = ["census", "ncmp", "consent"]
"""The inputs the health release is computed from (named in the manifest with their sha256)."""


@dataclass(frozen=True)
class HealthTables:
    """The year's linked health tables and what was left out of them (no pupil-level data)."""

    academic_year: str
    census_date: date
    reference_date: date
    tables: list[Table]
    measurements: int
    held_back: int
    held_back_by_reason: dict[str, int]
    excluded_by_opt_out: int


@store_task(name="classify and count")
def aggregate_health(db_path: Path, academic_year: str, by_school: bool) -> HealthTables:
    """Classify the year's statistics-eligible measurements (quarantining the implausible) and
    count the linked health tables."""
    with open_store(db_path) as con:
        year = classified_year(con, academic_year)
        tables = health_tables(con, year.children, year.census_date, by_school=by_school)
    return HealthTables(
        academic_year=academic_year,
        census_date=year.census_date,
        reference_date=year.reference_date,
        tables=tables,
        measurements=year.measurements,
        held_back=year.held_back,
        held_back_by_reason=year.held_back_by_reason,
        excluded_by_opt_out=year.excluded_by_opt_out,
    )


@store_task(name="protect and audit")
def protect_health(tables: list[Table], profile: Profile) -> Protection:
    """Primary and secondary suppression of every health table, linked; the result's audit is
    the attacker's audit over all tables together (``pipeline.health.protection``)."""
    return protect_health_tables(tables, profile)


@store_task(name="release")
def write_health_release(
    *,
    db_path: Path,
    releases_dir: Path,
    flow: str,
    counted: HealthTables,
    profile: Profile,
    protection: Protection,
    report: AuditReport,
) -> Path:
    """Write the release (refused unless the audit passed) with prevalence columns and the
    recipient's note, then record which children it counted, held back or excluded."""
    with open_store(db_path) as con:
        digests = input_digests(con, HEALTH_INPUTS)
    note = health_note(
        academic_year=counted.academic_year,
        census_date=counted.census_date,
        reference_date=counted.reference_date,
        profile=profile,
        tables=[t.name for t in counted.tables],
    )
    release = write_release(
        releases_dir=releases_dir,
        flow=flow,
        reference_date=counted.reference_date.isoformat(),
        profile=profile,
        tables=health_release_tables(counted.tables, protection),
        inputs=digests,
        audit=report.as_dict(),
        documents={NOTE_FILE: note},
    )
    with open_store(db_path) as con:
        record_health_population(
            con,
            release_id=release.name,
            flow=flow,
            academic_year=counted.academic_year,
            census_date=counted.census_date,
            reference_date=counted.reference_date,
        )
    return release
