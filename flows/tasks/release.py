"""The steps of every release, as tasks: count, protect and audit, publish.

Each task calls the release package's own function (``pipeline.releases.<package>.STEPS``,
found through the registry): the flow composes, the packages compute.
"""

from __future__ import annotations

from pathlib import Path

from disclosure import Profile
from flows.tasks.base import store_reading_task, store_task
from pipeline.load.load_runs import check_last_load_finished
from pipeline.release.latest import point_latest
from pipeline.releases.over_time import with_history
from pipeline.releases.publish import Published, publish
from pipeline.releases.registry import release_steps
from pipeline.releases.spec import Counted, Options, Protected, ReleaseSpec
from pipeline.store import open_store


@store_reading_task(name="count")
def count_release(
    spec: ReleaseSpec, db_path: Path, period: str | None, profile: Profile, options: Options
) -> Counted:
    """Count the release's linked tables from its population, statistics-eligible pupils
    only (no pupil-level data leaves the store's process), with the earlier releases of the
    same pupils they will be protected against (the ledger's). A store whose last load did
    not finish (some of a delivery may be missing) is refused before anything is counted."""
    with open_store(db_path) as con:
        check_last_load_finished(con)
        return with_history(con, spec, release_steps(spec).count(con, period, profile, options))


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
) -> Published:
    """Write the release atomically (refused unless the audit passed over exactly these
    cells) with its documents and the input files' digests, together with the record of
    the population it counted, held back or excluded (for subject access requests) and its
    ledger entry: all become visible together. Nothing is written when the ledger's latest
    release of the period holds the same files; a changed release of a period already
    released is a revision of it (``pipeline.releases.publish``). Either way
    ``latest/<flow>`` then names the release (``pipeline.release.latest``)."""
    with open_store(db_path) as con:
        published = publish(spec, con, releases_dir, counted, protected, profile)
    point_latest(releases_dir, spec.name, published.folder)
    return published
