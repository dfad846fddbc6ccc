"""Prefect tasks: thin wrappers that call ``pipeline`` and ``disclosure``.

Tasks hand each other paths, settings and aggregated tables, never a database connection
or pupil-level frames: pupil-level rows move between steps only inside the store. Results
are neither cached nor persisted (``NO_CACHE``, ``persist_result=False``), so nothing a
task returns is written to Prefect's database or result storage.
"""

from __future__ import annotations

from datetime import date
from functools import partial
from pathlib import Path

from prefect import task
from prefect.cache_policies import NO_CACHE

from disclosure import AuditReport, Profile, Protection, Table, audit, protect
from pipeline.aggregate.funding import funding_tables
from pipeline.consent import OptOutSummary, opt_out_summary
from pipeline.load.commit import LoadReport
from pipeline.load.inputs import commit_inputs, find_input_files, stage_inputs
from pipeline.load.staging import StagedFile
from pipeline.release.tables import input_digests, release_tables
from pipeline.release.writer import write_release
from pipeline.store import open_store

store_task = partial(task, cache_policy=NO_CACHE, persist_result=False)


@store_task(name="load inputs")
def load_inputs(input_dir: Path, db_path: Path) -> list[StagedFile]:
    """Read and parse every input file of ``input_dir`` into the store's staging tables."""
    files = find_input_files(input_dir)
    with open_store(db_path) as con:
        return stage_inputs(con, files)


@store_task(name="validate inputs")
def validate_inputs(staged: list[StagedFile], db_path: Path) -> list[LoadReport]:
    """Validate staged rows (Great Expectations), quarantine failures, commit the rest."""
    with open_store(db_path) as con:
        return commit_inputs(con, [s.input for s in staged])


@store_task(name="exclude opt-outs")
def exclude_opt_outs(db_path: Path, census_date: date) -> OptOutSummary:
    """Count the census rows that a research opt-out keeps out of every statistic."""
    with open_store(db_path) as con:
        return opt_out_summary(con, census_date)


@store_task(name="aggregate funding")
def aggregate_funding(db_path: Path, census_date: date) -> list[Table]:
    """Count the funding tables from statistics-eligible pupils only."""
    with open_store(db_path) as con:
        return funding_tables(con, census_date)


@store_task(name="protect")
def protect_tables(tables: list[Table], profile: Profile) -> Protection:
    """Primary and secondary suppression of all tables of the release, linked."""
    return protect(tables, profile)


@store_task(name="audit")
def audit_release(tables: list[Table], protection: Protection, profile: Profile) -> AuditReport:
    """The attacker's audit, run afresh on what would be published."""
    return audit(tables, protection, profile)


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
    """Write the release atomically; refused unless the audit passed."""
    with open_store(db_path) as con:
        digests = input_digests(con, inputs)
    return write_release(
        releases_dir=releases_dir,
        flow=flow,
        reference_date=reference_date.isoformat(),
        profile=profile,
        tables=release_tables(tables, protection, measure),
        inputs=digests,
        audit=report.as_dict(),
    )
