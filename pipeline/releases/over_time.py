"""A release protected against the earlier releases of its population (README, "Releases
over time"; ``docs/methods/releases-over-time.md``).

The earlier releases are read from the ledger (``pipeline.ledger``): the published releases
of the same flow that are not withdrawn, and of them the tables that count the same
population definition (the ledger records its SQL per table) with the same name and
dimensions for an overlapping period. Which releases overlap is the package's
``ledger.toml`` (``pair_by``): ``period`` when a table's name does not carry its period (a
funding round's tables are those of its census date), ``table`` when it does (the nightly
release's tables name their academic year, and the three years it republishes overlap the
releases of the two years before).

Each earlier release becomes a ``disclosure.over_time.EarlierRelease`` with its tables' true
values and its pattern. The change since it is read from the true values: removals only
when no paired cell went up, additions only when none went down, anything otherwise (the
protector assumes the attacker knows as much, as a reader of a re-issue "after opt-outs"
would). An earlier release whose paired tables hold the same values and pattern as a later
one is left out: it tells the attacker nothing the later one does not. The attribute
dimensions of each table are the ``ledger.toml`` declaration (data, not code).

The published releases of a flow declared near-equal to the new one (two definitions of
nearly the same pupils: ``pipeline.releases.near_equal``) are checked with it as well, in
its terms, with nothing known of the change.

:func:`protect_with_history` then protects a release's linked tables (the difference rule,
the joint audit: ``disclosure.over_time.protect_over_time``) or, with no earlier release,
as a single release; a release the joint audit fails is refused, as one its own audit fails
is.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import duckdb
import numpy as np
import polars as pl

from disclosure import AuditReport, Profile, Protection, Table, audit, protect
from disclosure.over_time import Change, EarlierRelease, JointAuditReport, protect_over_time
from pipeline.ledger.cells import recorded_tables
from pipeline.ledger.entry import LedgerTable
from pipeline.ledger.read import LedgerRelease, ledger_releases, releases_of_period
from pipeline.profiles import load_profile
from pipeline.releases.ledger import LedgerDeclaration, ledger_declaration
from pipeline.releases.near_equal import NearEqualRelease, near_equal_releases
from pipeline.releases.registry import release_steps
from pipeline.releases.spec import Counted, ReleaseSpec
from schema.errors import ReleaseRefused


@dataclass(frozen=True)
class History:
    """What a new release is protected against: the earlier releases of its flow (their
    paired tables only), the releases of flows declared near-equal to it
    (``pipeline.releases.near_equal``) and, per table of the new release, its attribute
    dimensions."""

    earlier: tuple[EarlierRelease, ...] = ()
    attributes: dict[str, tuple[str, ...]] = field(default_factory=dict)
    near_equal: tuple[NearEqualRelease, ...] = ()

    @property
    def against(self) -> tuple[EarlierRelease, ...]:
        """Every release the new one is checked with: its flow's, then the near-equal ones."""
        return (*self.earlier, *(n.release for n in self.near_equal))

    def of(self, tables: Sequence[Table]) -> History:
        """The history of some of the release's tables (e.g. one population's): each earlier
        release keeps the tables paired with them, one left with none is dropped; a
        near-equal release is kept whole when it pairs with some of them."""
        names = {t.name for t in tables}
        earlier = []
        for release in self.earlier:
            kept = [t for t in release.tables if t.name in names]
            if kept:
                suppressed = {t.name: release.suppressed[t.name] for t in kept}
                earlier.append(replace(release, tables=kept, suppressed=suppressed))
        attributes = {n: a for n, a in self.attributes.items() if n in names}
        near = tuple(n for n in self.near_equal if n.pairs_with & names)
        return History(_distinct(earlier), attributes, near)


def value_changes(new: Sequence[Table], old: Sequence[Table]) -> Iterator[np.ndarray]:
    """Per table of ``new`` with a table of the same name and the same cells in ``old``, the
    change of every cell's true value (new minus old)."""
    old_by_name = {t.name: t for t in old}
    for table in new:
        earlier = old_by_name.get(table.name)
        if earlier is not None and earlier.values.shape == table.values.shape:
            yield table.values - earlier.values


def change_between(new: Sequence[Table], old: Sequence[Table]) -> Change:
    """Removals only, additions only or any change, from the tables' true values (tables of
    the same name and the same cells compared cell by cell)."""
    went_down = went_up = False
    for moved in value_changes(new, old):
        went_down |= bool((moved < 0).any())
        went_up |= bool((moved > 0).any())
    if went_down and went_up:
        return "any"
    return "additions" if went_up else "removals"


def _candidates(
    con: duckdb.DuckDBPyConnection, spec: ReleaseSpec, period: str, pair_by: str
) -> list[LedgerRelease]:
    """The published, not withdrawn releases of ``spec`` that may overlap ``period``."""
    found = (
        releases_of_period(con, spec.name, period)
        if pair_by == "period"
        else [r for r in ledger_releases(con, spec.name) if r.state == "published"]
    )
    return [r for r in found if not r.withdrawn]


def _paired(
    recorded: Sequence[LedgerTable], tables: Mapping[str, Table], declaration: LedgerDeclaration
) -> list[LedgerTable]:
    """The recorded count tables of an earlier release that pair with a new table: the same
    name, population definition and dimensions."""
    return [
        t
        for t in recorded
        if t.measure_kind == "count"
        and t.name in tables
        and t.population_sql == declaration.population_sql
        and t.dimension_names == [d.name for d in tables[t.name].dimensions]
    ]


def _same_as(first: EarlierRelease, later: EarlierRelease) -> bool:
    """Whether every table of ``first`` is in ``later`` with the same values and pattern."""
    later_tables = {t.name: t for t in later.tables}
    for table in first.tables:
        other = later_tables.get(table.name)
        if other is None or not table.cells.equals(other.cells):
            return False
        if not first.suppressed[table.name].equals(later.suppressed[table.name]):
            return False
    return True


def _distinct(earlier: Sequence[EarlierRelease]) -> tuple[EarlierRelease, ...]:
    """``earlier`` without the releases whose tables a later one holds unchanged (same
    values, same pattern): the later one tells the attacker everything they do."""
    return tuple(
        r for i, r in enumerate(earlier) if not any(_same_as(r, s) for s in earlier[i + 1 :])
    )


def release_history(con: duckdb.DuckDBPyConnection, spec: ReleaseSpec, counted: Counted) -> History:
    """The earlier releases the tables of ``counted`` are protected against, and the tables'
    attribute dimensions (module docstring)."""
    declaration = ledger_declaration(spec)
    tables = {t.name: t for t in release_steps(spec).audited_tables(counted)}
    attributes = {n: tuple(sorted(declaration.attributes_of(t))) for n, t in tables.items()}
    earlier: list[EarlierRelease] = []
    for release in _candidates(con, spec, counted.period, declaration.pair_by):
        recorded = _paired(recorded_tables(con, release.release_id), tables, declaration)
        if not recorded:
            continue
        old = [
            Table.from_cells(t.name, t.cells.select(*t.dimension_names, "value"), t.dimensions)
            for t in recorded
        ]
        patterns = {t.name: t.cells.select(*t.dimension_names, "status") for t in recorded}
        earlier.append(
            EarlierRelease(
                name=release.release_id,
                tables=old,
                suppressed=patterns,
                profile=load_profile(release.profile),
                change=change_between([tables[t.name] for t in old], old),
            )
        )
    near = near_equal_releases(con, spec.name, counted.reference_date, list(tables.values()))
    return History(_distinct(earlier), attributes, _distinct_near(tuple(near)))


def _distinct_near(near: Sequence[NearEqualRelease]) -> tuple[NearEqualRelease, ...]:
    """``near`` without the releases that a later one of the same tables holds unchanged."""
    return tuple(
        n
        for i, n in enumerate(near)
        if not any(
            n.pairs_with == m.pairs_with and _same_as(n.release, m.release) for m in near[i + 1 :]
        )
    )


def changed_cells(tables: Sequence[Table], history: History) -> int:
    """How many cells of ``tables`` differ from the latest earlier release holding them
    (for the run's summary)."""
    latest: dict[str, Table] = {}
    for release in history.earlier:
        latest.update({t.name: t for t in release.tables})
    return sum(
        int(np.count_nonzero(moved)) for moved in value_changes(tables, list(latest.values()))
    )


@dataclass(frozen=True)
class ProtectedWithHistory:
    """A release's linked tables protected (against its history, if any), the release's own
    audit of the result and the joint audit with the earlier releases (``None`` when there
    was none)."""

    protection: Protection
    audit: AuditReport
    joint: JointAuditReport | None = None
    required: int = 0
    """Cells the difference rule made primary."""

    def facts(self) -> tuple[tuple[str, int | str], ...]:
        """For the run summary: what the history asked and the joint audit's verdict."""
        if self.joint is None:
            return ()
        return (
            ("earlier releases checked with this one", len(self.joint.earlier)),
            ("difference rule: cells made primary", self.required),
            ("joint audit with earlier releases", "passed" if self.joint.passed else "failed"),
        )


def _changed(tables: Sequence[Table], release: EarlierRelease) -> bool:
    """Whether some table paired with ``release`` holds other counts than it did."""
    old = {t.name: t.values.shape for t in release.tables}
    reshaped = any(t.name in old and old[t.name] != t.values.shape for t in tables)
    return reshaped or any(moved.any() for moved in value_changes(tables, release.tables))


def _same_pattern(protection: Protection, release: EarlierRelease) -> bool:
    """Whether every table of ``release`` has the same cell statuses in ``protection``."""
    for table in release.tables:
        earlier = release.suppressed[table.name]
        names = [c for c in earlier.columns if c != "status"]
        now = protection.tables[table.name].select(
            *[pl.col(n).cast(pl.Utf8) for n in names], pl.col("status").cast(pl.Utf8)
        )
        if not now.sort(names).equals(earlier.select([*names, "status"]).sort(names)):
            return False
    return True


def protect_with_history(
    tables: Sequence[Table],
    profile: Profile,
    history: History | None,
    requested: Mapping[str, Any] | None = None,
    audit_afresh: bool = True,
    **options: Any,
) -> ProtectedWithHistory:
    """``tables`` protected under ``profile`` (``requested`` cells and ``options`` go to
    ``disclosure.protect``) against ``history``'s earlier releases (its flow's and the
    near-equal ones), and audited (afresh, or with ``audit_afresh=False`` by the
    protection's own audit: for a caller that audits what is published afresh itself);
    refused (``ReleaseRefused``) when the joint audit fails (module docstring)."""

    def alone(protection: Protection) -> ProtectedWithHistory:
        checked = audit(tables, protection, profile) if audit_afresh else protection.audit
        return ProtectedWithHistory(protection, checked)

    if history is None or not history.against:
        return alone(protect(tables, profile, requested=requested, **options))
    if not history.near_equal and not any(_changed(tables, r) for r in history.earlier):
        # the same counts as every earlier release: protected as before (deterministic),
        # the same publication if the pattern is the same too, and nothing to check
        protection = protect(tables, profile, requested=requested, **options)
        if all(_same_pattern(protection, release) for release in history.earlier):
            return alone(protection)
    result = protect_over_time(
        tables, profile, history.against, history.attributes, requested=requested, **options
    )
    joint = result.joint
    if not joint.passed:
        cells = ", ".join(f.cell for f in joint.findings[:3])
        raise ReleaseRefused(
            f"with the {len(joint.earlier)} earlier release(s) of the same pupils the tables "
            f"would disclose {len(joint.findings)} cell(s) or change(s) ({cells}): nothing "
            "was released"
        )
    required = sum(frame.height for frame in result.required.values())
    # the protection's own audit already checked this pattern with these levels (the
    # difference rule's among them); afresh means a second, separate run of the audit
    own = (
        audit(tables, result.protection, profile, required=result.required)
        if audit_afresh
        else result.protection.audit
    )
    return ProtectedWithHistory(result.protection, own, joint, required)


def refuse_rounded_revision(
    tables: Sequence[Table], profile: Profile, history: History | None
) -> None:
    """Refuse (``ReleaseRefused``) a release rounded to a base (the NHS profile: every count
    to 5) whose counts changed since an earlier release of the same period: it is not
    revised. Two roundings of nearly the same counts, with what the attacker knows of the
    change, narrow small cells of either release (a re-issue of the health release of a
    3,000-pupil borough after one opt-out: 38 cells narrowed inside 1..7 by the joint audit;
    after the difference rule and the earlier pattern kept, still 8, in 150 s). An unchanged
    re-run is not refused (it writes nothing new), nor is a release whose earlier releases
    were withdrawn from the ledger."""
    if profile.rounding_base is None or history is None:
        return
    changed = [release.name for release in history.earlier if _changed(tables, release)]
    if changed:
        raise ReleaseRefused(
            f"the counts changed since release {changed[-1]} of the same period, and a release "
            f"rounded to {profile.rounding_base} is not revised (two roundings of nearly the "
            "same counts would narrow its small cells; README, Releases over time): nothing "
            "was released"
        )


def with_history(con: duckdb.DuckDBPyConnection, spec: ReleaseSpec, counted: Counted) -> Counted:
    """``counted`` with its :class:`History` and, when there is one, what changed since the
    latest earlier release in the run's facts."""
    history = release_history(con, spec, counted)
    if not history.earlier:
        return replace(counted, history=history)
    tables = release_steps(spec).audited_tables(counted)
    changed = ("cells changed since the earlier release", changed_cells(tables, history))
    facts = (*counted.facts, changed)
    return replace(counted, history=history, facts=facts)


__all__ = [
    "History",
    "ProtectedWithHistory",
    "change_between",
    "protect_with_history",
    "refuse_rounded_revision",
    "release_history",
    "with_history",
]
