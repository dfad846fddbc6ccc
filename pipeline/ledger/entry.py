"""A release's ledger entry: every audited table, its dimensions and every cell.

An entry holds, for each table the attacker's audit checked (a protected table: the frames
of ``Protection.tables``), the population the table counts, its dimensions (as
``disclosure.Dimension``: total code and every code's parent), which dimensions are
attributes, and its cells: one column per dimension, the true ``value``, the protection
``status`` and ``reason`` and the ``published`` text. Aggregates only.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

import polars as pl

if TYPE_CHECKING:  # annotations only: the command line reads the ledger without disclosure
    from disclosure import Dimension

VALUE, STATUS, REASON, PUBLISHED = "value", "status", "reason", "published"
CELL_COLUMNS = (VALUE, STATUS, REASON, PUBLISHED)
"""The columns of a ledger table's cells after its dimension columns."""


def ledger_cells(frame: pl.DataFrame, dimensions: Sequence[str]) -> pl.DataFrame:
    """A protected table's frame as the ledger keeps it: the dimension codes as text, the
    true value, status, reason and published text, in the frame's cell order."""
    missing = [c for c in (*dimensions, *CELL_COLUMNS) if c not in frame.columns]
    if missing:
        raise ValueError(f"a protected table's frame lacks column(s) {', '.join(missing)}")
    return frame.select(
        *[pl.col(d).cast(pl.Utf8) for d in dimensions],
        pl.col(VALUE).cast(pl.Float64),
        pl.col(STATUS).cast(pl.Utf8),
        pl.col(REASON).cast(pl.Utf8),
        pl.col(PUBLISHED).cast(pl.Utf8),
    )


@dataclass(frozen=True)
class LedgerTable:
    """One audited table of a release, as the ledger records it."""

    name: str
    dimensions: tuple[Dimension, ...]
    attributes: frozenset[str]
    """The dimensions that are attributes: characteristics or outcomes that a difference
    between two releases could reveal about a pupil. The others say where and when a pupil
    was counted (school, geography, period)."""
    population: str
    """Who the table counts, in words (the release spec's ``population``)."""
    population_sql: str
    """The name of the population's SQL definition in the release package."""
    cells: pl.DataFrame
    """One column per dimension, then ``value``, ``status``, ``reason``, ``published``."""
    measure_kind: str = "count"

    def __post_init__(self) -> None:
        names = self.dimension_names
        unknown = sorted(self.attributes - set(names))
        if unknown:
            raise ValueError(f"table {self.name!r}: attribute(s) {unknown} are not dimensions")
        expected = [*names, *CELL_COLUMNS]
        if self.cells.columns != expected:
            raise ValueError(
                f"table {self.name!r}: cells have columns {self.cells.columns}, expected {expected}"
            )

    @property
    def dimension_names(self) -> list[str]:
        return [d.name for d in self.dimensions]


@dataclass(frozen=True)
class LedgerEntry:
    """What the ledger records of one release besides its id and folder (which the writer
    gives it): its flow, period, reference date, profile, the earlier release of the same
    flow and period it revises (``None`` for the first) and its audited tables."""

    flow: str
    period: str
    reference_date: date
    profile: str
    tables: tuple[LedgerTable, ...]
    revises: str | None = None

    def __post_init__(self) -> None:
        names = [t.name for t in self.tables]
        if len(set(names)) != len(names):
            raise ValueError(f"release of {self.flow}: two audited tables share a name")
