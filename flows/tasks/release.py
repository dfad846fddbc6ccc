"""The steps of every release, as tasks: count, protect and audit, publish.

Each task calls the release package's own function (``pipeline.releases.<package>.STEPS``,
found through the registry): the flow composes, the packages compute.
"""

from __future__ import annotations

from pathlib import Path

from disclosure import Profile
from flows.tasks.base import store_reading_task, store_task
from pipeline.release.tables import input_digests
from pipeline.release.writer import write_release
from pipeline.releases.registry import release_steps
from pipeline.releases.spec import Counted, Options, Protected, ReleaseSpec
from pipeline.rights.release_population import PopulationRecord
from pipeline.store import open_store


@store_reading_task(name="count")
def count_release(
    spec: ReleaseSpec, db_path: Path, period: str | None, profile: Profile, options: Options
) -> Counted:
    """Count the release's linked tables from its population, statistics-eligible pupils
    only (no pupil-level data leaves the store's process)."""
    with open_store(db_path) as con:
        return release_steps(spec).count(con, period, profile, options)


@store_task(name="protect and audit")
def protect_release(
    spec: ReleaseSpec, counted: Counted, profile: Profile, options: Options
) -> Protected:
    """Primary and secondary suppression of every table, and the attacker's audit of exactly
    what would be published."""
    return release_steps(spec).protect(counted, profile, options)


@store_task(name="release")
def publish_release(
    spec: ReleaseSpec,
    db_path: Path,
    releases_dir: Path,
    counted: Counted,
    protected: Protected,
    profile: Profile,
) -> Path:
    """Write the release atomically (refused unless the audit passed over exactly these
    cells) with its documents and the input files' digests, together with the record of
    the population it counted, held back or excluded (for subject access requests): both
    become visible together."""
    steps = release_steps(spec)
    with open_store(db_path) as con:
        return write_release(
            releases_dir=releases_dir,
            flow=spec.name,
            reference_date=counted.reference_date.isoformat(),
            profile=profile,
            tables=steps.release_tables(counted, protected, profile),
            inputs=input_digests(con, list(spec.inputs)),
            audit=protected.audit,
            documents=steps.documents(con, counted, profile),
            record=PopulationRecord(con, spec.name, steps.population_statuses(con, counted)),
        )
