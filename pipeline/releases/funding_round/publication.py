"""The funding round's published tables: per table, the dimension codes and the published
count of pupils (a whole number, or the profile's symbol), with the words readers need:
each table's title and description, each column's title and the meaning of its codes
(``tables.FUNDING_FACTORS``), the census as the autumn term of its academic year, and the
school dimension as the EES school level (phases as the ``phase`` filter)."""

from __future__ import annotations

from dataclasses import replace

from disclosure import Profile
from pipeline.release.describe import AUTUMN_TERM, SCHOOL_LEVEL, Geography, Period
from pipeline.release.published import ReleaseTable
from pipeline.release.tables import release_tables as published_tables
from pipeline.releases.funding_round.tables import (
    FUNDING_FACTORS,
    PHASE_TEXT,
    PUPILS_TEXT,
    SCHOOL_TEXT,
)
from pipeline.releases.spec import Counted, Protected

MEASURE = "pupils"
FACTORS = {f.table: f for f in FUNDING_FACTORS}


def described(table: ReleaseTable) -> ReleaseTable:
    """``table`` with its factor's words, period and geography."""
    factor = FACTORS[table.name]
    return replace(
        table,
        title=f"{factor.description}, by school, phase and local authority",
        description=(
            f"Number of funded pupils on roll on census day, by {factor.column_text.title}, "
            "for every school, every phase and the local authority as a whole."
        ),
        column_text={
            "school": SCHOOL_TEXT,
            "phase": PHASE_TEXT,
            factor.column: factor.column_text,
            MEASURE: PUPILS_TEXT,
        },
        period=Period(AUTUMN_TERM),
        geography=Geography("school", SCHOOL_LEVEL, group="phase"),
    )


def release_tables(counted: Counted, protected: Protected, profile: Profile) -> list[ReleaseTable]:
    """The published form of every protected funding table, described for readers."""
    return [described(t) for t in published_tables(counted.detail, protected.protection, MEASURE)]
