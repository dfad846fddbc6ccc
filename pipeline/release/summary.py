"""The human-readable summary of a run: what was loaded, left out, suppressed and released."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline.load.commit import LoadReport


@dataclass(frozen=True)
class RunResult:
    """What a release flow returns: the release folder, what the run loaded, the release's
    own figures about who was left out (``facts``: label -> figure, e.g. census rows
    excluded by research opt-outs), the suppression per table, and whether the release is
    the same as (``identical_to``) or a revision of (``revises``) an earlier one."""

    release: Path
    period: str = ""
    reference_date: str = ""
    loads: list[LoadReport] = field(default_factory=list)
    facts: dict[str, int | str] = field(default_factory=dict)
    tables: list[dict[str, Any]] = field(default_factory=list)
    method: str = ""
    audit_passed: bool = False
    identical_to: str | None = None
    """The earlier release this run would have repeated byte for byte: nothing new was
    written and ``release`` is that release's folder."""
    revises: str | None = None
    """The earlier release of the same period that the new release revises."""


def suppression_rows(summaries: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """One row per table: its name first, then the protection summary's figures."""
    return [{"table": name, **summary} for name, summary in summaries.items()]


def release_lines(result: RunResult) -> list[str]:
    """One line (and a blank one) saying the run wrote nothing new, or which release its new
    release revises; none for a first release."""
    if result.identical_to:
        return [f"identical to release {result.identical_to}: nothing new written", ""]
    if result.revises:
        return [f"revises release {result.revises}", ""]
    return []


def run_summary_markdown(title: str, result: RunResult, details: str = "") -> str:
    """Markdown for the flow's Prefect artifact."""
    lines = [
        f"# {title}: release `{result.release.name}`",
        "",
        f"Period {result.period}, reference date {result.reference_date}. Audit over every "
        f"table together: **{'passed' if result.audit_passed else 'FAILED'}**.",
        "",
        *release_lines(result),
        *[f"- {label}: {figure}" for label, figure in result.facts.items()],
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
    lines += ["", f"Protection method: {result.method}.", ""]
    if details:
        lines += [details]
    return "\n".join(lines) + "\n"
