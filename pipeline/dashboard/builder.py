"""Building the dashboard: release folder in, ``index.html`` and a dated copy out.

``build_dashboard`` takes the release folder and the output folder and nothing else: no
store path, no connection. The page goes to ``<out>/index.html`` and a copy to
``<out>/<YYYY-MM-DD>/index.html`` (the build's date in Europe/London), both written
atomically, with a page per school (``schools/<code>.html``, the current release's) and a
copy of the release's tables (``data/<release id>/``, kept per release, so a dated copy's
downloads still lead to the tables it was built from), then ``status.json`` records the
success. Everything is rendered before anything is written, so a build that fails leaves the
previous ``index.html`` untouched.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from pipeline.dashboard.downloads import copy_downloads
from pipeline.dashboard.measures import release_measures
from pipeline.dashboard.page import build_page
from pipeline.dashboard.publish import write_atomic
from pipeline.dashboard.release import DashboardError, latest_release, read_release
from pipeline.dashboard.render import render_page
from pipeline.dashboard.school_page_html import render_school_page
from pipeline.dashboard.school_pages import SCHOOLS_DIR, school_pages
from pipeline.dashboard.status import INDEX_FILE, record_success

DASHBOARD_DIRNAME = "dashboard"
"""The flow whose release the dashboard shows when there is one."""
LONDON = ZoneInfo("Europe/London")


def dashboard_dir(reports_dir: Path) -> Path:
    """Where the dashboard of a reports folder lives: ``<reports>/dashboard``."""
    return Path(reports_dir) / DASHBOARD_DIRNAME


def build_dashboard(release_dir: Path, out_dir: Path, *, now: datetime | None = None) -> Path:
    """Build the dashboard of the release in ``release_dir`` into ``out_dir``.

    Returns the path of ``index.html``. ``now`` (default: the current time in
    Europe/London) names the dated copy and is shown as the build time.
    """
    built = (now or datetime.now(LONDON)).astimezone(LONDON)
    release = read_release(Path(release_dir))
    page = build_page(release, built)
    html = render_page(page)
    rows = page.school_table.rows if page.school_table is not None else ()
    schools = {
        s.file: render_school_page(page, s) for s in school_pages(release_measures(release), rows)
    }
    out = Path(out_dir)
    dated = out / built.date().isoformat() / INDEX_FILE
    copy_downloads(list(page.downloads), out)
    _write_school_pages(out, schools)
    write_atomic(dated, render_page(page, dated=True))
    index = write_atomic(out / INDEX_FILE, html)
    record_success(
        out,
        built_at=built.isoformat(timespec="seconds"),
        release_id=release.release_id,
        dated=str(dated.relative_to(out)),
    )
    return index


def _write_school_pages(folder: Path, pages: dict[str, str]) -> None:
    """Write each school's page into ``folder`` and remove pages of schools no longer in
    the release.

    Each page replaces the old one in one rename (a reader never sees half a page); unlike
    ``index.html`` they are not flushed to disk one by one (a hundred fsyncs take seconds),
    since a page lost in a crash is written again by the next build.
    """
    target = folder / SCHOOLS_DIR
    target.mkdir(parents=True, exist_ok=True)
    for name, html in pages.items():
        path = folder / name
        partial = path.with_name(f".partial-{path.name}")
        partial.write_text(html, encoding="utf-8")
        os.replace(partial, path)
    for old in target.glob("*.html"):
        if f"{SCHOOLS_DIR}/{old.name}" not in pages:
            old.unlink()


def dashboard_release(releases_dir: Path, flows: Sequence[str] = ()) -> Path:
    """The release the dashboard shows: the newest release of the first of ``flows`` that
    has one (the releases that feed the dashboard, from the registry); else the newest
    release of any flow."""
    for flow in flows:
        try:
            return latest_release(releases_dir, flow)
        except DashboardError:
            continue
    return latest_release(releases_dir)
