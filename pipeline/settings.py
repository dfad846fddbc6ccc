"""Where pupilstats keeps things: the pupil-level store, inputs and release output.

Paths resolve from the environment first (``PUPILSTATS_DB``, ``PUPILSTATS_REPORTS``) and
otherwise from the project folder, so that ``make demo`` works from a fresh clone. How long a
command waits for a store another command holds is ``PUPILSTATS_LOCK_WAIT_SECONDS``.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from pathlib import Path

from schema.errors import PupilstatsError

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

LOCK_WAIT_ENV = "PUPILSTATS_LOCK_WAIT_SECONDS"
DEFAULT_LOCK_WAIT_SECONDS = 60.0
"""How long a command waits for a store another command holds (``pipeline.store.lock``)
unless ``PUPILSTATS_LOCK_WAIT_SECONDS`` says otherwise: a load or a rights command meeting a
nightly run of a few hundred thousand rows waits for it, and a user is not kept waiting
without an answer for longer than a minute."""


def lock_wait_seconds() -> float:
    """Seconds to wait for the store lock: ``PUPILSTATS_LOCK_WAIT_SECONDS`` (0 or more; 0:
    do not wait) or ``DEFAULT_LOCK_WAIT_SECONDS``; a value that is not such a number is a
    one-line error naming the variable."""
    text = os.environ.get(LOCK_WAIT_ENV, "").strip()
    if not text:
        return DEFAULT_LOCK_WAIT_SECONDS
    try:
        seconds = float(text)
    except ValueError:
        seconds = -1.0
    if not math.isfinite(seconds) or seconds < 0:
        raise PupilstatsError(f"{LOCK_WAIT_ENV}={text!r} is not a number of seconds (0 or more)")
    return seconds
