"""The nightly performance flow's tasks: thin wrappers over ``pipeline.aggregate.performance``.

Tasks that open the store retry twice when the failure is transient: the store locked by
another process (DuckDB's ``IOException``, e.g. a load running at the same time) or a file
system error. Anything else (a rejected input, an unknown academic year, an audit failure)
fails at once: retrying would give the same answer. Protection and the audit are pure
computations and do not retry; writing the release does not either (a retry after a
half-finished attempt is safe, but a failure there is not transient).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import partial
from pathlib import Path
from typing import Any

import duckdb
from prefect import Task
from prefect.client.schemas.objects import TaskRun
from prefect.states import State

from disclosure import AuditReport, Profile
from flows.tasks.base import store_task
from pipeline.aggregate.performance import (
    PerformanceProtection,
    Population,
    audit_populations,
    performance_populations,
    performance_release_tables,
    protect_populations,
    release_years,
)
from pipeline.aggregate.performance.documents import (
    README_DOCUMENT,
    SCHOOLS_DOCUMENT,
    readme,
    schools_csv,
)
from pipeline.aggregate.performance.population import record_performance_population
from pipeline.aggregate.performance.protection import DEFAULT_METHOD, Method
from pipeline.consent import OptOutSummary, opt_out_summary
from pipeline.release.manifest import InputDigest
from pipeline.release.tables import input_digests
from pipeline.release.writer import write_release
from pipeline.store import open_store

STORE_RETRIES = 2
STORE_RETRY_DELAYS: list[float] = [5.0, 15.0]
PERFORMANCE_INPUTS = ["schools", "census", "consent", "ks2", "ks4", "absence"]


def transient_failure(task: Task[Any, Any], task_run: TaskRun, state: State[Any]) -> bool:
    """Retry only when the store was locked by another process or the file system failed."""
    try:
        error = state.result(raise_on_failure=False)
    except Exception:
        return False
    return isinstance(error, duckdb.IOException | OSError)


store_reading_task = partial(
    store_task,
    retries=STORE_RETRIES,
    retry_delay_seconds=STORE_RETRY_DELAYS,
    retry_condition_fn=transient_failure,
)


@dataclass(frozen=True)
class ReleaseInputs:
    """What the release needs from the store besides the tables: input digests and the
    documents (schools lookup, README)."""

    digests: list[InputDigest]
    documents: dict[str, str]


@store_reading_task(name="performance years")
def performance_years(db_path: Path, academic_year: str | None = None) -> list[str]:
    """The release's academic years: ``academic_year`` (default the latest) and two before."""
    with open_store(db_path) as con:
        return release_years(con, academic_year)


@store_reading_task(name="exclude opt-outs (performance)")
def exclude_performance_opt_outs(db_path: Path, years: list[str]) -> list[OptOutSummary]:
    """Per autumn census of the release's years: census rows an opt-out keeps out."""
    from pipeline.aggregate.performance.pupils import census_date_of

    with open_store(db_path) as con:
        dates = [census_date_of(con, year) for year in years]
        return [opt_out_summary(con, d) for d in dates if isinstance(d, date)]


@store_reading_task(name="aggregate performance")
def aggregate_performance(db_path: Path, years: list[str]) -> list[Population]:
    """Count every family (KS2, KS4, absence) in every year from statistics-eligible pupils."""
    with open_store(db_path) as con:
        return performance_populations(con, years)


@store_task(name="protect performance")
def protect_performance(
    populations: list[Population], profile: Profile, method: Method = DEFAULT_METHOD
) -> PerformanceProtection:
    """Primary and secondary suppression, population by population, with the accountability
    limit and the means rule as requested cells."""
    return protect_populations(populations, profile, method=method)


@store_task(name="audit performance")
def audit_performance(
    populations: list[Population], protection: PerformanceProtection, profile: Profile
) -> AuditReport:
    """The attacker's audit, run afresh on what would be published, over every table."""
    return audit_populations(populations, protection, profile)


@store_reading_task(name="release inputs")
def performance_release_inputs(
    db_path: Path, populations: list[Population], profile: Profile
) -> ReleaseInputs:
    """The input files' digests and the release's documents."""
    with open_store(db_path) as con:
        return ReleaseInputs(
            digests=input_digests(con, PERFORMANCE_INPUTS),
            documents={
                SCHOOLS_DOCUMENT: schools_csv(con, populations),
                README_DOCUMENT: readme(populations, profile),
            },
        )


@store_task(name="write performance release")
def write_performance_release(
    *,
    releases_dir: Path,
    flow: str,
    populations: list[Population],
    protection: PerformanceProtection,
    report: AuditReport,
    profile: Profile,
    inputs: ReleaseInputs,
) -> Path:
    """Write the release atomically (refused unless the audit passed); its reference date is
    the latest year's autumn census date."""
    reference = max(p.census_date for p in populations)
    return write_release(
        releases_dir=releases_dir,
        flow=flow,
        reference_date=reference.isoformat(),
        profile=profile,
        tables=performance_release_tables(populations, protection, profile),
        inputs=inputs.digests,
        audit=report.as_dict(),
        documents=inputs.documents,
    )


@store_reading_task(name="record release population")
def record_population(
    db_path: Path, release: Path, flow: str, populations: list[Population]
) -> dict[str, int]:
    """Record which pupils the release counted and which an opt-out excluded (for subject
    access requests), over every census of the release."""
    dates = sorted({p.census_date for p in populations})
    with open_store(db_path) as con:
        return record_performance_population(
            con, release_id=release.name, flow=flow, census_dates=dates
        )
