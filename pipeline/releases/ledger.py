"""What a release records in the ledger: its audited tables, declared attributes and cells.

Each release package has a ``ledger.toml`` beside its modules (data, not code): the name of
its population's SQL definition and, per audited table (a name or a pattern with ``*``),
which dimensions are attributes and which are not. :func:`ledger_entry` puts together the
package's audited tables (``STEPS.audited_tables``), that declaration and the protection's
frames (every cell with its true value, status and published text) as a
``pipeline.ledger.entry.LedgerEntry``, and checks that its cells are exactly the cells the
attacker's audit checked (the audit's digest of the published cells).
"""

from __future__ import annotations

import importlib
import tomllib
from dataclasses import dataclass
from fnmatch import fnmatchcase
from pathlib import Path

from disclosure import Profile, Table, published_cells_digest
from pipeline.ledger.entry import PUBLISHED, LedgerEntry, LedgerTable, ledger_cells
from pipeline.releases.registry import release_steps
from pipeline.releases.spec import Counted, Protected, ReleaseSpec
from schema.errors import PupilstatsError, ReleaseRefused

LEDGER_FILE = "ledger.toml"
PAIR_BY = ("period", "table")


@dataclass(frozen=True)
class TableDeclaration:
    """One entry of a ``ledger.toml``: the tables it covers and their dimensions."""

    pattern: str
    attributes: frozenset[str]
    not_attributes: frozenset[str]


@dataclass(frozen=True)
class LedgerDeclaration:
    """A release package's ``ledger.toml``."""

    population_sql: str
    tables: tuple[TableDeclaration, ...]
    source: Path
    pair_by: str = "period"
    """Which earlier releases overlap a new one: those of the same ``period``, or every
    release with a ``table`` of the same name (a table's name carries its period)."""

    def attributes_of(self, table: Table) -> frozenset[str]:
        """The attribute dimensions of ``table``, from the one entry that covers it; an error
        when none or several do, or when the entry does not name each of its dimensions as
        an attribute or not, exactly once."""
        matches = [d for d in self.tables if fnmatchcase(table.name, d.pattern)]
        if len(matches) != 1:
            found = ", ".join(d.pattern for d in matches) or "none"
            raise PupilstatsError(
                f"{self.source}: table {table.name!r} must match exactly one [tables] entry "
                f"(matches: {found})"
            )
        entry = matches[0]
        names = {d.name for d in table.dimensions}
        both = entry.attributes & entry.not_attributes
        if both or entry.attributes | entry.not_attributes != names:
            raise PupilstatsError(
                f"{self.source}: [tables.{entry.pattern!r}] must name each dimension of "
                f"{table.name!r} ({', '.join(sorted(names))}) once, in `attributes` or "
                "`not_attributes`"
            )
        return entry.attributes


def ledger_declaration(spec: ReleaseSpec) -> LedgerDeclaration:
    """The ``ledger.toml`` of ``spec``'s release package."""
    package = importlib.import_module(f"pipeline.releases.{spec.package}")
    source = Path(str(package.__file__)).with_name(LEDGER_FILE)
    with source.open("rb") as handle:
        raw = tomllib.load(handle)
    return LedgerDeclaration(
        population_sql=str(raw["population_sql"]),
        tables=tuple(
            TableDeclaration(
                pattern=pattern,
                attributes=frozenset(entry["attributes"]),
                not_attributes=frozenset(entry["not_attributes"]),
            )
            for pattern, entry in raw["tables"].items()
        ),
        source=source,
        pair_by=_pair_by(raw, source),
    )


def _pair_by(raw: dict, source: Path) -> str:
    """The declaration's ``pair_by`` (default ``period``), checked."""
    pair_by = str(raw.get("pair_by", "period"))
    if pair_by not in PAIR_BY:
        raise PupilstatsError(f"{source}: pair_by must be one of {', '.join(PAIR_BY)}")
    return pair_by


def ledger_entry(
    spec: ReleaseSpec,
    counted: Counted,
    protected: Protected,
    profile: Profile,
    revises: str | None = None,
) -> LedgerEntry:
    """The ledger entry of a run of ``spec``: every audited table with its population, its
    dimensions, its attributes (``ledger.toml``) and every cell of its protected frame.
    Refused (``ReleaseRefused``) unless its published cells are exactly the audited ones."""
    declaration = ledger_declaration(spec)
    frames = protected.protection.tables
    tables = release_steps(spec).audited_tables(counted)
    if sorted(t.name for t in tables) != sorted(frames):
        raise ReleaseRefused(
            f"{spec.name}: the audited tables are not the protected ones: nothing was released"
        )
    recorded = tuple(
        LedgerTable(
            name=table.name,
            dimensions=tuple(table.dimensions),
            attributes=declaration.attributes_of(table),
            population=spec.population,
            population_sql=declaration.population_sql,
            cells=ledger_cells(frames[table.name], [d.name for d in table.dimensions]),
            measure_kind="magnitude" if table.is_magnitude else "count",
        )
        for table in tables
    )
    published = {t.name: t.cells.select(*t.dimension_names, PUBLISHED) for t in recorded}
    if published_cells_digest(published) != protected.audit.digest:
        raise ReleaseRefused(
            f"{spec.name}: the ledger's cells are not the cells the audit checked: nothing "
            "was released"
        )
    return LedgerEntry(
        flow=spec.name,
        period=counted.period,
        reference_date=counted.reference_date,
        profile=profile.name,
        tables=recorded,
        revises=revises,
    )
