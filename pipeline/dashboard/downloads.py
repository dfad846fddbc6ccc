"""The release's tables as downloads: each CSV copied, byte for byte, beside the page.

The copies are the release's own files (every one checked against the sha256 its manifest
records), so a reader downloads each table exactly as published: published cells only, with
the release's symbols. They go to ``data/<release id>/`` under the dashboard folder, one
folder per release, so a dated copy of the page keeps links to the tables it was built from
(at about a megabyte per release, they are kept like the dated copies).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from pipeline.dashboard import labels
from pipeline.dashboard.release import DashboardError, Release

DATA_DIR = "data"


@dataclass(frozen=True)
class Download:
    """One table of the release as a file beside the page."""

    name: str
    title: str
    href: str
    rows: int
    source: Path
    sha256: str


def _safe(name: str) -> str:
    """``name`` as one plain path component (release ids and file names already are)."""
    return re.sub(r"[^A-Za-z0-9._-]", "_", name).lstrip(".") or "_"


def release_downloads(release: Release) -> list[Download]:
    """One download per published table of ``release``, in manifest order."""
    found = []
    for table in release.tables:
        file = str(table.entry["file"])
        found.append(
            Download(
                name=table.name,
                title=labels.table_title(table.name, table.entry),
                href=f"{DATA_DIR}/{_safe(release.release_id)}/{_safe(file)}",
                rows=len(table.rows),
                source=release.path / file,
                sha256=str(table.entry.get("sha256", "")),
            )
        )
    return found


def copy_downloads(downloads: list[Download], out_dir: Path) -> None:
    """Copy each table into ``out_dir`` at its ``href``, refusing a file that is no longer
    the one the manifest describes."""
    for download in downloads:
        data = download.source.read_bytes()
        if download.sha256 and hashlib.sha256(data).hexdigest() != download.sha256:
            raise DashboardError(f"{download.source}: changed since the release was read")
        target = out_dir / download.href
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
