"""Where pupilstats keeps things: the pupil-level store, inputs and release output.

Paths resolve from the environment first (``PUPILSTATS_DB``, ``PUPILSTATS_REPORTS``) and
otherwise from the project folder, so that ``make demo`` works from a fresh clone.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
DATA_DIR = PROJECT_ROOT / "data"
"""The project's data folder: the default store, generated inputs and the committed lookups
(``data/lookups``). Git creates it with the checkout's umask; the store makes it owner-only
when it creates the default store in it (``pipeline.store.connection.open_store``)."""


@dataclass(frozen=True)
class Settings:
    """The locations one run works with."""

    db_path: Path
    reports_dir: Path

    @property
    def releases_dir(self) -> Path:
        """Statistical releases: one folder per release, each with a manifest."""
        return self.reports_dir / "releases"

    @property
    def shares_dir(self) -> Path:
        """Person-level shares (Youth Support Services): kept apart from releases."""
        return self.reports_dir / "shares"

    @classmethod
    def from_env(cls, db: Path | str | None = None, reports: Path | str | None = None) -> Settings:
        db_path = Path(db or os.environ.get("PUPILSTATS_DB") or DATA_DIR / "pupilstats.duckdb")
        reports_dir = Path(
            reports or os.environ.get("PUPILSTATS_REPORTS") or PROJECT_ROOT / "reports"
        )
        return cls(db_path=db_path.resolve(), reports_dir=reports_dir.resolve())


DEFAULT_SYNTHETIC_DIR = DATA_DIR / "synthetic"
