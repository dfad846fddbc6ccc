"""The report of one validation run: Data Docs under ``reports/quality/<run>/`` and a summary.

A run validates one file (``pupilstats validate``) or a borough's inputs (the flow's
``validate inputs`` task). Its report is the GX Data Docs site of the run
(``expectations.docs``) and a short summary: per file, rows read, accepted, quarantined by
reason, temporary UPNs, and the reason the file was rejected, if it was. The summary holds
counts and reason codes only, never a pupil's data, so it may go into a Prefect artifact.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from expectations.docs import DocsEntry, write_quality_docs
from pipeline.load.check import FileCheck

QUALITY_DIR = "quality"


def run_name(label: str) -> str:
    """A unique, sortable name for a validation run, e.g. ``20251002T091500Z-census-1a2b``."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    safe = "".join(c if c.isalnum() or c in "-_" else "-" for c in label)[:40]
    return f"{stamp}-{safe}-{uuid.uuid4().hex[:4]}"


def quality_dir(reports_dir: Path, name: str) -> Path:
    """Where the run's report goes: ``<reports>/quality/<run>/``."""
    return Path(reports_dir) / QUALITY_DIR / name


@dataclass(frozen=True)
class QualityReport:
    """Where a run's report was written."""

    directory: Path
    index: Path
    summary: str


def summary_rows(checks: Sequence[FileCheck]) -> list[dict[str, Any]]:
    return [c.as_row() for c in checks]


def summary_markdown(
    checks: Sequence[FileCheck], *, rejected: str | None = None, docs_index: Path | None = None
) -> str:
    """Markdown: one line per file, the rejection if any, and where the Data Docs are."""
    lines = ["# Data quality", ""]
    if rejected:
        lines += [f"**Rejected:** {rejected}", ""]
    if checks:
        lines += [
            "| input | file | verdict | read | accepted | quarantined | by reason "
            "| temporary UPNs |",
            "|---|---|---|---:|---:|---:|---|---:|",
        ]
        for row in summary_rows(checks):
            lines.append(
                f"| {row['input']} | {row['file']} | {row['verdict']} | {row['rows_read']} | "
                f"{row['rows_accepted']} | {row['rows_quarantined']} | "
                f"{row['quarantined_by_reason'] or '-'} | {row['temporary_upns']} |"
            )
        lines.append("")
        for check in checks:
            for failure in check.batch_failures:
                lines.append(f"- {check.input}: {failure}")
            if check.ignored_columns:
                lines.append(
                    f"- {check.input}: columns ignored: {', '.join(check.ignored_columns)}"
                )
    if docs_index is not None:
        lines += ["", f"Data Docs: `{docs_index}`"]
    return "\n".join(lines).rstrip() + "\n"


def write_quality_report(
    directory: Path,
    name: str,
    checks: Sequence[FileCheck],
    docs: Sequence[DocsEntry],
    *,
    rejected: str | None = None,
) -> QualityReport:
    """Write the run's Data Docs, ``summary.md`` and ``summary.json`` into ``directory``."""
    directory = Path(directory)
    index = write_quality_docs(directory, list(docs), run_name=name)
    summary = summary_markdown(checks, rejected=rejected, docs_index=index)
    (directory / "summary.md").write_text(summary, encoding="utf-8")
    (directory / "summary.json").write_text(
        json.dumps({"run": name, "rejected": rejected, "files": summary_rows(checks)}, indent=2)
        + "\n",
        encoding="utf-8",
    )
    return QualityReport(directory=directory, index=index, summary=summary)
