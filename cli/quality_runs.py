"""Which Data Docs a run wrote: the validation runs that appeared under ``reports/quality/``.

A flow validates each ``--input`` folder in a run of its own (``reports/quality/<run>/``,
``pipeline.load.quality_report``) and does not return where; the command line notes the runs
present before the flow starts and prints the ``index.html`` of each new one at the end.
"""

from __future__ import annotations

from pathlib import Path

from pipeline.load.quality_report import QUALITY_DIR


def _runs(quality: Path) -> set[str]:
    return {p.name for p in quality.iterdir() if p.is_dir()} if quality.is_dir() else set()


class QualityRuns:
    """The validation runs under ``<reports>/quality/`` when it was made, to tell new ones."""

    def __init__(self, reports_dir: Path) -> None:
        self.quality = Path(reports_dir) / QUALITY_DIR
        self.before = _runs(self.quality)

    def new_indexes(self) -> list[Path]:
        """The Data Docs ``index.html`` of every run written since, oldest first."""
        new = sorted(_runs(self.quality) - self.before)
        return [
            self.quality / name / "index.html"
            for name in new
            if (self.quality / name / "index.html").is_file()
        ]
