"""A registered release run in this process, without Prefect: the same steps its flow
composes (``flows.releases.run_release``: count, protect and audit, release, dashboard),
called through each task's ``.fn``, so a test can run every flow in a few seconds without
starting Prefect's server (about 13 s on CI)."""

from __future__ import annotations

from pathlib import Path

from flows.tasks import build_dashboard_task, count_release, protect_release, publish_release
from pipeline.profiles import load_profile
from pipeline.releases.spec import ReleaseSpec


def run_in_process(
    spec: ReleaseSpec, period: str | None, db: Path, reports: Path, profile_name: str | None = None
) -> Path:
    """Run ``spec``'s release on the store ``db`` into ``reports`` under ``profile_name``
    (default: the release's own); the release folder."""
    profile = load_profile(profile_name or spec.default_profile)
    checked = spec.period.check(period) if period is not None else spec.period.default
    counted = count_release.fn(spec, db, checked, profile, {})
    protected = protect_release.fn(spec, counted, profile, {})
    published = publish_release.fn(spec, db, reports / "releases", counted, protected, profile)
    if spec.dashboard:
        build_dashboard_task.fn(published.folder, reports)
    return published.folder
