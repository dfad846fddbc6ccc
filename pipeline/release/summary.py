"""The human-readable summary of a run: what was loaded, excluded, suppressed and released."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline.load.commit import LoadReport


@dataclass(frozen=True)
class RunResult:
    """What a release flow returns: the release folder and what the run loaded and excluded."""

    release: Path
    loads: list[LoadReport] = field(default_factory=list)
    excluded_by_opt_out: int = 0
    tables: list[dict[str, Any]] = field(default_factory=list)


def suppression_rows(summaries: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """One row per table: its name first, then the protection summary's figures."""
    return [{"table": name, **summary} for name, summary in summaries.items()]


def run_summary_markdown(
    *,
    title: str,
    release: Path,
    audit_passed: bool,
    excluded_by_opt_out: int,
    loads: list[LoadReport],
    tables: list[dict[str, Any]],
) -> str:
    """Markdown for the flow's Prefect artifact."""
    lines = [
        f"# {title}: release `{release.name}`",
        "",
        f"Audit: **{'passed' if audit_passed else 'FAILED'}**. "
        f"Census rows excluded by research opt-outs: {excluded_by_opt_out}.",
        "",
    ]
    if loads:
        lines += ["| input | read | accepted | quarantined |", "|---|---:|---:|---:|"]
        lines += [
            f"| {r.input} | {r.rows_read} | {r.rows_accepted} | {r.rows_quarantined} |"
            for r in loads
        ]
        lines.append("")
    lines += ["| table | cells | primary | secondary |", "|---|---:|---:|---:|"]
    lines += [
        f"| {t['table']} | {t.get('cells')} | {t.get('primary')} | {t.get('secondary')} |"
        for t in tables
    ]
    return "\n".join(lines) + "\n"
