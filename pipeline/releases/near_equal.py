"""Populations declared near-equal: two flows whose tables count nearly the same pupils under
different definitions (README, "Releases over time").

Funding counts a pupil on the October census at their main school; absence counts the
enrolments with an absence record at the school holding it. At most schools the two differ by
a dual-registered pupil or two, so the difference of a school's FSM6 split in the funding
round and its disadvantaged split in the absence tables is that pupil's status: the same
table of a few pupils as the difference of two releases of one flow. Which populations are
near-equal, and which of their dimensions mean the same, is declared in ``near_equal.toml``
beside this module (data, not code).

:func:`near_equal_releases` finds, for a new release, the other flow's published releases of
the same academic year (not withdrawn) in the ledger and gives each as a
``disclosure.over_time.EarlierRelease`` in the new release's terms: every table of that
population (what the attacker knows of it), its corresponding dimensions renamed to the new
release's names, and the change between the two populations ``any`` (neither contains the
other). Its cells then pair with the new release's cells of the same codes on those
dimensions, every other dimension at its total; the difference rule and the joint audit
treat the pair as they treat two releases of one flow (linked tables over time, Hundepool et
al., 2012, 4.4).
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb

from disclosure import Dimension, Table
from disclosure.over_time import EarlierRelease
from pipeline.ledger.cells import recorded_tables
from pipeline.ledger.entry import LedgerTable
from pipeline.ledger.read import LedgerRelease, ledger_releases
from pipeline.profiles import load_profile
from pipeline.releases.periods import academic_year_of
from pipeline.releases.registry import release_spec
from schema.errors import PupilstatsError

NEAR_EQUAL_FILE = Path(__file__).with_name("near_equal.toml")
YEAR = "{year}"
"""In a table pattern: the academic year as table names write it (``2025-26``)."""
_YEAR_RE = r"(?P<year>\d{4}-\d{2})"


@dataclass(frozen=True)
class NearEqualSide:
    """One flow of a near-equal pair: the tables of its population (a pattern) and its
    dimensions that correspond, in order, to the other side's."""

    flow: str
    tables: str
    dimensions: tuple[str, ...]

    @property
    def names_year(self) -> bool:
        """Whether the tables' names carry their academic year (else the release is of one
        census date, whose academic year it counts)."""
        return YEAR in self.tables

    def _pattern(self) -> re.Pattern[str]:
        """The pattern as a regular expression: ``*`` any text, ``{year}`` an academic year."""
        pieces = re.split(r"(\*|\{year\})", self.tables)
        wild = {"*": ".*", YEAR: _YEAR_RE}
        return re.compile("".join(wild.get(p, re.escape(p)) for p in pieces) + r"\Z")

    def year_of(self, name: str, reference_date: date) -> str | None:
        """The academic year (``2025-26``) whose population table ``name`` counts, or
        ``None`` when ``name`` is not one of this side's tables."""
        match = self._pattern().match(name)
        if match is None:
            return None
        return match["year"] if self.names_year else academic_year_of(reference_date)


@dataclass(frozen=True)
class NearEqual:
    """One declared pair of near-equal populations (``near_equal.toml``)."""

    why: str
    sides: tuple[NearEqualSide, NearEqualSide]

    def seen_from(self, flow: str) -> tuple[NearEqualSide, NearEqualSide] | None:
        """``(this flow's side, the other side)`` when ``flow`` is one of the pair."""
        first, second = self.sides
        if first.flow == flow:
            return first, second
        if second.flow == flow:
            return second, first
        return None


@dataclass(frozen=True)
class NearEqualRelease:
    """A release of the other flow of a near-equal pair, in the new release's terms, and the
    new release's tables it pairs with (the tables of that academic year)."""

    pairs_with: frozenset[str]
    release: EarlierRelease


def near_equal_declarations(source: Path = NEAR_EQUAL_FILE) -> tuple[NearEqual, ...]:
    """The declared pairs of ``source``, checked: two registered flows each, and as many
    dimensions on each side; an error naming the file otherwise."""
    with source.open("rb") as handle:
        raw = tomllib.load(handle)
    declared = []
    for i, entry in enumerate(raw.get("near_equal", []), start=1):
        flows = [k for k in entry if k != "why"]
        where = f"{source}: [[near_equal]] entry {i}"
        if len(flows) != 2:
            raise PupilstatsError(f"{where} must name two flows (found {', '.join(flows)})")
        sides = []
        for flow in flows:
            try:
                release_spec(flow)
            except PupilstatsError as unknown:
                raise PupilstatsError(f"{where}: {unknown}") from None
            side = entry[flow]
            sides.append(
                NearEqualSide(flow, str(side["tables"]), tuple(str(d) for d in side["dimensions"]))
            )
        if len(sides[0].dimensions) != len(sides[1].dimensions):
            raise PupilstatsError(f"{where}: both flows must list as many dimensions")
        declared.append(NearEqual(str(entry.get("why", "")).strip(), (sides[0], sides[1])))
    return tuple(declared)


def _renamed_dimension(dimension: Dimension, names: Mapping[str, str]) -> Dimension:
    name = names.get(dimension.name, dimension.name)
    return Dimension(name=name, total=dimension.total, parents=dimension.parents)


def _in_new_terms(
    recorded: Sequence[LedgerTable], names: Mapping[str, str], new_tables: Mapping[str, Table]
) -> tuple[list[Table], dict[str, object]]:
    """The other flow's recorded tables with their dimensions renamed to the new release's
    names: their true values (``Table``) and their patterns (``status`` frames)."""
    tables: list[Table] = []
    patterns: dict[str, object] = {}
    for table in recorded:
        if table.name in new_tables:
            raise PupilstatsError(
                f"{NEAR_EQUAL_FILE}: table {table.name!r} is in both flows of a near-equal pair"
            )
        columns = {d: names.get(d, d) for d in table.dimension_names}
        if len(set(columns.values())) != len(columns):
            raise PupilstatsError(
                f"{NEAR_EQUAL_FILE}: renaming {table.name!r}'s dimensions gives two of one name"
            )
        dims = tuple(_renamed_dimension(d, names) for d in table.dimensions)
        cells = table.cells.rename(columns)
        tables.append(Table.from_cells(table.name, cells.select(*columns.values(), "value"), dims))
        patterns[table.name] = cells.select(*columns.values(), "status")
    return tables, patterns


def _published(con: duckdb.DuckDBPyConnection, flow: str) -> list[LedgerRelease]:
    return [r for r in ledger_releases(con, flow) if r.state == "published" and not r.withdrawn]


def _count_tables_of_year(
    con: duckdb.DuckDBPyConnection, release: LedgerRelease, side: NearEqualSide, year: str
) -> list[LedgerTable]:
    """The count tables of ``release`` (of ``side``'s flow) that count academic year ``year``."""

    def wanted(name: str) -> bool:
        return side.year_of(name, release.reference_date) == year

    found = recorded_tables(con, release.release_id, wanted)
    return [t for t in found if t.measure_kind == "count"]


def near_equal_releases(
    con: duckdb.DuckDBPyConnection,
    flow: str,
    reference_date: date,
    tables: Sequence[Table],
    declarations: Sequence[NearEqual] | None = None,
) -> Iterator[NearEqualRelease]:
    """For a new release of ``flow`` (its reference date and its audited ``tables``), each
    published release of a flow declared near-equal to it, for each academic year both
    count, in the new release's terms (module docstring)."""
    by_name = {t.name: t for t in tables}
    for declaration in near_equal_declarations() if declarations is None else declarations:
        sides = declaration.seen_from(flow)
        if sides is None:
            continue
        mine, theirs = sides
        names = dict(zip(theirs.dimensions, mine.dimensions, strict=True))
        years: dict[str, set[str]] = {}
        for name in by_name:
            year = mine.year_of(name, reference_date)
            if year is not None:
                years.setdefault(year, set()).add(name)
        published = _published(con, theirs.flow) if years else []
        for year, pairs_with in sorted(years.items()):
            for release in published:
                recorded = _count_tables_of_year(con, release, theirs, year)
                if not recorded:
                    continue
                old, patterns = _in_new_terms(recorded, names, by_name)
                yield NearEqualRelease(
                    frozenset(pairs_with),
                    EarlierRelease(
                        name=release.release_id,
                        tables=old,
                        suppressed=patterns,
                        profile=load_profile(release.profile),
                        change="any",
                    ),
                )


__all__ = [
    "NEAR_EQUAL_FILE",
    "NearEqual",
    "NearEqualRelease",
    "NearEqualSide",
    "near_equal_declarations",
    "near_equal_releases",
]
