"""What each dimension of a published table is for: the school, the year, the outcome, or a
group of pupils (any other dimension, such as sex or FSM).

Tables are read by these roles rather than by name, so any release renders.
"""

from __future__ import annotations

from pipeline.dashboard.release import Dimension, PublishedTable

SCHOOL_DIMENSIONS: tuple[str, ...] = ("school", "laestab", "urn")
TIME_DIMENSIONS: tuple[str, ...] = ("academic_year", "year", "time_period", "period")
OUTCOME_DIMENSIONS: dict[str, str] = {"outcome": "met"}
"""Attribute dimensions and the code whose figure is the measure (the cohort is the total)."""


def school_dimension(table: PublishedTable) -> Dimension | None:
    return next((d for d in table.dimensions if d.column in SCHOOL_DIMENSIONS), None)


def time_dimension(table: PublishedTable) -> Dimension | None:
    return next((d for d in table.dimensions if d.column in TIME_DIMENSIONS), None)


def outcome_dimension(table: PublishedTable) -> Dimension | None:
    return next((d for d in table.dimensions if d.column in OUTCOME_DIMENSIONS), None)


def group_dimensions(table: PublishedTable) -> list[Dimension]:
    """Dimensions that split pupils into groups (not the school, year or outcome)."""
    skip = {*SCHOOL_DIMENSIONS, *TIME_DIMENSIONS, *OUTCOME_DIMENSIONS}
    return [d for d in table.dimensions if d.column not in skip]


def periods(table: PublishedTable) -> list[str]:
    """The table's years, oldest first (empty when it has no year dimension)."""
    time = time_dimension(table)
    return sorted(time.parents) if time else []


def latest_year_codes(table: PublishedTable) -> dict[str, str]:
    """The codes that select the table's latest year (empty when it has no year dimension)."""
    time = time_dimension(table)
    years = periods(table)
    return {time.column: years[-1]} if time and years else {}
