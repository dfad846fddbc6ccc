"""What a health release run reports: the release, and what was loaded, held back and excluded.

For the run's Prefect artifact and the command line only (internal): the release itself says
nothing of these counts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline.release.summary import RunResult


@dataclass(frozen=True)
class HealthRunResult(RunResult):
    """A funding-style run result plus the health run's own figures."""

    academic_year: str = ""
    reference_date: str = ""
    measurements: int = 0
    held_back: int = 0
    held_back_by_reason: dict[str, int] = field(default_factory=dict)
    method: str = ""


def health_summary_markdown(result: HealthRunResult, audit_passed: bool) -> str:
    """Markdown for the ``ccg-health-summary`` artifact."""
    lines = [
        f"# CCG health release {result.academic_year}: release `{Path(result.release).name}`",
        "",
        f"Audit over all tables together: **{'passed' if audit_passed else 'FAILED'}**. "
        f"Reference date (last measurement): {result.reference_date}.",
        "",
        f"Measurements of statistics-eligible children: {result.measurements}; excluded by "
        f"research opt-outs: {result.excluded_by_opt_out}; held back as implausible: "
        f"{result.held_back}.",
        "",
        *[f"- {reason}: {n}" for reason, n in sorted(result.held_back_by_reason.items())],
        "",
    ]
    if result.loads:
        lines += ["| input | read | accepted | quarantined |", "|---|---:|---:|---:|"]
        lines += [
            f"| {r.input} | {r.rows_read} | {r.rows_accepted} | {r.rows_quarantined} |"
            for r in result.loads
        ]
        lines.append("")
    lines += ["| table | cells | primary | secondary |", "|---|---:|---:|---:|"]
    lines += [
        f"| {t['table']} | {t.get('cells')} | {t.get('primary')} | {t.get('secondary')} |"
        for t in result.tables
    ]
    lines += ["", f"Protection: {result.method}."]
    return "\n".join(lines) + "\n"


def table_rows(summaries: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """One row per table for the suppression artifact: name, cells, primary, secondary,
    rounding base and audit verdict."""
    keep = ("cells", "primary", "secondary", "rounding_base", "audit_passed")
    return [{"table": name, **{k: s[k] for k in keep if k in s}} for name, s in summaries.items()]
