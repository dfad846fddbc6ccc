"""The one shape of a statistical release: its declarative spec and the values its steps pass.

Every release is a package under ``pipeline/releases/`` with the same modules:

* ``population``: who the release is about, one definition used both to count and to record
  the population for subject access (``population_statuses``);
* ``tables``: counting the release's linked tables from that population (``count``), and
  which of them the attacker's audit checks (``audited_tables``, recorded in the release
  ledger with the dimensions ``ledger.toml`` beside the package declares attributes);
* ``protection``: primary and secondary suppression and the attacker's audit (``protect``);
* ``note``: the documents written beside the tables, the reader's note among them
  (``documents``);
* ``publication``: the published form of each protected table (``release_tables``);

and its ``__init__`` gathers these as ``STEPS``, a :class:`ReleaseSteps`. The registry
(``pipeline.releases.registry``) lists one :class:`ReleaseSpec` per release; the flows, the
command line, the demo, the subject access records, the dashboard and the opt-out property
test all read it, so a release is added by one package and one registry entry.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # annotations only: reading the registry imports no statistics library
    import duckdb
    import polars as pl

    from disclosure import AuditReport, Profile, Table
    from pipeline.release.published import ReleaseTable

Options = Mapping[str, Any]
"""A release's own run options (e.g. ``by_school`` for the health release), by name."""


@dataclass(frozen=True)
class PeriodOption:
    """How a run names the period it releases: the command-line option, its help, its default
    (``None``: the release chooses, e.g. the latest year in the store) and how to check it."""

    flag: str
    help: str
    default: str | None
    check: Callable[[str], str]
    """Returns the period in its canonical form, or raises ``PupilstatsError`` naming what is
    valid."""


@dataclass(frozen=True)
class RunOption:
    """A release's own option: its name (the flow's ``options`` key), command-line flag, help
    and default."""

    name: str
    flag: str
    help: str
    default: bool | str | None = None
    kind: type = bool


@dataclass(frozen=True)
class ReleaseSpec:
    """One statistical release, declared (data only: reading the registry imports no
    statistics code)."""

    name: str
    """The flow's name, ``pupilstats run <name>`` and the release ids' prefix."""
    title: str
    package: str
    """The release's package under ``pipeline.releases`` (its :class:`ReleaseSteps`)."""
    default_profile: str
    period: PeriodOption
    inputs: tuple[str, ...]
    """The store's inputs the release is computed from (named in the manifest with sha256)."""
    population: str
    """Who is counted and who is left out, in words (the ``population`` module has the SQL)."""
    tables: tuple[str, ...]
    """The table families it publishes."""
    note: str | None
    """The reader's note written beside the tables, if any."""
    options: tuple[RunOption, ...] = ()
    dashboard: bool = False
    """Whether the run rebuilds the dashboard from its release."""
    census_date_checked: bool = False
    """Whether loading inputs for a run checks the census against the period (a census date)."""


@dataclass(frozen=True)
class Counted:
    """What a release counted: its linked tables (``detail`` holds them in the release's own
    form) and what the run summary says about who was left out. No pupil-level data."""

    period: str
    reference_date: date
    facts: tuple[tuple[str, int | str], ...]
    """(label, figure) for the run summary, e.g. census rows excluded by research opt-outs."""
    detail: Any
    census_dates: tuple[date, ...] = ()
    """The censuses whose pupils the release is about."""
    details_markdown: str = ""
    """More for the run's summary artifact (Markdown), e.g. who was counted per year."""
    history: Any = None
    """The earlier releases of the same pupils the tables are protected against
    (``pipeline.releases.over_time.History``, from the ledger), once looked up."""


@dataclass(frozen=True)
class Protected:
    """A release's protection and the attacker's audit of exactly what would be published."""

    protection: Any
    audit: AuditReport
    summaries: dict[str, dict[str, Any]]
    method: str
    facts: tuple[tuple[str, int | str], ...] = ()


@dataclass(frozen=True)
class ReleaseSteps:
    """A release package's functions, in the order a run calls them: count the tables from
    the population, protect and audit them, their published form, the documents beside them,
    the population as subject access records it, and the audited tables as the release
    ledger records them."""

    count: Callable[[duckdb.DuckDBPyConnection, str | None, Profile, Options], Counted]
    protect: Callable[[Counted, Profile, Options], Protected]
    release_tables: Callable[[Counted, Protected, Profile], list[ReleaseTable]]
    documents: Callable[
        [duckdb.DuckDBPyConnection, Counted, Profile, Sequence[ReleaseTable]], dict[str, str]
    ]
    """The documents beside the tables (file name -> text), given the tables as published (a
    reconciliation shows the release's total only where its tables publish it)."""
    population_statuses: Callable[[duckdb.DuckDBPyConnection, Counted], pl.DataFrame]
    """One row per pupil of the population: ``upn``, ``status``, ``reference_date``."""
    audited_tables: Callable[[Counted], list[Table]]
    """The linked tables the protection protected and the attacker's audit checked (their
    names are the keys of ``Protected.protection.tables``)."""
