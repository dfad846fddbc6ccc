"""The dashboard: one self-contained HTML page built from a protected release folder.

It reads only what a release publishes (``manifest.json`` and its CSVs): this package
imports nothing that can open the pupil-level store, so the page cannot show anything the
release did not already publish.
"""

from pipeline.dashboard.builder import (
    DASHBOARD_DIRNAME,
    build_dashboard,
    dashboard_dir,
    dashboard_release,
)
from pipeline.dashboard.release import DashboardError, latest_release, read_release
from pipeline.dashboard.status import RunInfo, mark_dashboard_failure

__all__ = [
    "DASHBOARD_DIRNAME",
    "DashboardError",
    "RunInfo",
    "build_dashboard",
    "dashboard_dir",
    "dashboard_release",
    "latest_release",
    "mark_dashboard_failure",
    "read_release",
]
