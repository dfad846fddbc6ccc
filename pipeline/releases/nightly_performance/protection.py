"""Protecting and auditing every count table of a performance release.

The tables of one population (a family in one academic year) are linked and protected
together in one ``disclosure.protect`` call, with the accountability and means requests
(``requests``). Different populations count different pupils, share no cell and no additive
relation, so nothing published for one can narrow a suppressed cell of another: the
release's audit is the union of the populations' audits, and it passes only if every one
does. One call for all populations is not possible yet: ``disclosure.link_tables`` keys a
count cell by its coordinates alone, so every table's grand total is the same cell and the KS2
and KS4 cohorts would collide; and the LP heuristic solves each primary's LP over every linked
cell, so one call over nine independent populations would cost about nine times as much.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import polars as pl

from disclosure import AuditReport, Profile, Protection, audit, published_cells_digest
from pipeline.releases.nightly_performance.requests import (
    ACCOUNTABILITY_MINIMUM_COHORT,
    requested_cells,
)
from pipeline.releases.nightly_performance.tables import Population
from pipeline.releases.over_time import History, protect_with_history
from pipeline.releases.spec import Counted, Options, Protected

Method = Literal["optimal", "modular", "heuristic"]
DEFAULT_METHOD: Method = "heuristic"
"""The LP heuristic: measured on the 48,000-pupil borough it protects the nine populations
in a few seconds; the optimal method falls back to the modular one above 1,000 cells and
takes minutes (bench/nightly_performance.py)."""


@dataclass(frozen=True)
class PerformanceProtection:
    """Every population's protection: the protected cells by table name (``Protection.tables``
    frames: value, status, reason, published), per-table summaries, the joint audit verdict
    and the seconds each population took."""

    tables: dict[str, pl.DataFrame]
    summaries: dict[str, dict[str, Any]]
    audit: AuditReport
    method: str
    seconds: dict[str, float] = field(default_factory=dict)
    notes: tuple[str, ...] = ()


def requests_for(population: Population, profile: Profile, minimum_cohort: int) -> dict[str, Any]:
    """The requested-cell masks of a population's tables."""
    return {
        table.name: requested_cells(
            table, population.sums[table.name], population.family, profile.threshold, minimum_cohort
        )
        for table in population.tables
    }


def joint_audit(
    reports: Sequence[AuditReport], cells: Sequence[Mapping[str, pl.DataFrame]], profile: Profile
) -> AuditReport:
    """The audit of all populations: passed only if each passed; every interval and failure;
    the digest of every population's audited cells together. ``cells[i]`` are the published
    cells (dimensions and ``published``) of the tables ``reports[i]`` audited: each must be
    what that audit checked (its digest), else the joint audit fails."""
    intervals = [r.intervals for r in reports if r.intervals.height]
    checked = [r.digest == published_cells_digest(c) for r, c in zip(reports, cells, strict=True)]
    return AuditReport(
        passed=all(r.passed for r in reports) and all(checked),
        intervals=pl.concat(intervals, how="diagonal_relaxed")
        if intervals
        else reports[0].intervals,
        failures=[f for r in reports for f in r.failures],
        rounding_base=profile.rounding_base,
        digest=published_cells_digest({k: v for c in cells for k, v in c.items()}),
    )


def published_cells(frames: Mapping[str, pl.DataFrame], names: Sequence[str]) -> dict[str, Any]:
    """The published cells of the named protected tables: a column per dimension and
    ``published`` (``Protection.tables`` frames without their true values and statuses)."""
    hidden = pl.exclude("value", "status", "reason", "published")
    return {n: frames[n].select(hidden, pl.col("published")) for n in names}


def protect_populations(
    populations: Sequence[Population],
    profile: Profile,
    method: Method = DEFAULT_METHOD,
    minimum_cohort: int = ACCOUNTABILITY_MINIMUM_COHORT,
    history: History | None = None,
) -> PerformanceProtection:
    """Protect each population's linked tables (one ``protect`` call each; against the
    earlier releases of its tables in ``history``, if any: ``pipeline.releases.over_time``)
    and join them. A year whose pupils did not change since the earlier releases keeps its
    pattern (the protection is deterministic); one that changed falls under the difference
    rule."""
    if not populations:
        raise ValueError("no population to protect")
    frames: dict[str, pl.DataFrame] = {}
    summaries: dict[str, dict[str, Any]] = {}
    reports: list[AuditReport] = []
    cells: list[dict[str, pl.DataFrame]] = []
    seconds: dict[str, float] = {}
    notes: list[str] = []
    methods: set[str] = set()
    for population in populations:
        start = time.perf_counter()
        tables = list(population.tables)
        protected = protect_with_history(
            tables,
            profile,
            history.of(tables) if history is not None else None,
            requested=requests_for(population, profile, minimum_cohort),
            audit_afresh=False,  # audit_populations audits what is published afresh
            method=method,
        )
        result: Protection = protected.protection
        seconds[population.key] = round(time.perf_counter() - start, 3)
        frames.update(result.tables)
        summaries.update(result.summary())
        reports.append(protected.audit)
        cells.append(result.published_cells())
        if protected.joint is not None:
            notes.append(
                f"{population.key}: checked with {len(protected.joint.earlier)} earlier "
                f"release(s), {protected.required} cell(s) made primary by the difference rule"
            )
        notes += [f"{population.key}: {n}" for n in result.notes]
        methods.add(result.method)
    return PerformanceProtection(
        tables=frames,
        summaries=summaries,
        audit=joint_audit(reports, cells, profile),
        method=", ".join(sorted(methods)),
        seconds=seconds,
        notes=tuple(notes),
    )


def audit_populations(
    populations: Sequence[Population], protection: PerformanceProtection, profile: Profile
) -> AuditReport:
    """The attacker's audit run afresh on what would be published, population by population
    (with each population's requested cells as requirements), joined."""
    reports, cells = [], []
    for population in populations:
        tables = list(population.tables)
        frames = {t.name: protection.tables[t.name] for t in tables}
        reports.append(audit(tables, frames, profile))
        cells.append(published_cells(frames, [t.name for t in tables]))
    return joint_audit(reports, cells, profile)


def protect_tables(counted: Counted, profile: Profile, options: Options) -> Protected:
    """Every population protected (:func:`protect_populations`, the method from ``options``,
    default :data:`DEFAULT_METHOD`; against the ledger's earlier releases of the same years
    unless ``options["difference_rule"]`` is false), then the attacker's audit run afresh on
    what would be published (:func:`audit_populations`)."""
    populations = counted.detail
    protection = protect_populations(
        populations,
        profile,
        method=options.get("method") or DEFAULT_METHOD,
        history=counted.history if options.get("difference_rule", True) else None,
    )
    seconds = ", ".join(f"{k} {v} s" for k, v in protection.seconds.items())
    return Protected(
        protection=protection,
        audit=audit_populations(populations, protection, profile),
        summaries=protection.summaries,
        method=protection.method,
        facts=(("protection seconds", seconds),),
    )
