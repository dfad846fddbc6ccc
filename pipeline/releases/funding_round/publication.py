"""The funding round's published tables: per table, the dimension codes and the published
count of pupils (a whole number, or the profile's symbol)."""

from __future__ import annotations

from disclosure import Profile
from pipeline.release.published import ReleaseTable
from pipeline.release.tables import release_tables as published_tables
from pipeline.releases.spec import Counted, Protected

MEASURE = "pupils"


def release_tables(counted: Counted, protected: Protected, profile: Profile) -> list[ReleaseTable]:
    """The published form of every protected funding table."""
    return published_tables(counted.detail, protected.protection, MEASURE)
