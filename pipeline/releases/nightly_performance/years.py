"""Which academic years a performance release covers: the chosen year and the two before it.

A year is covered when the store holds its autumn census and some KS2, KS4 or absence rows
for it. Years are labelled as the results files label them (``2025/26``).
"""

from __future__ import annotations

import duckdb

from pipeline.releases import periods
from pipeline.releases.nightly_performance.pupils import YEAR_CENSUS_SQL
from schema.errors import PupilstatsError

TREND_YEARS = 3


def years_with_data(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Academic years with an autumn census and some KS2, KS4 or absence rows, oldest first."""
    rows = con.sql(
        f"""
        SELECT DISTINCT r.academic_year
        FROM (SELECT academic_year FROM ks2 UNION SELECT academic_year FROM ks4
              UNION SELECT academic_year FROM absence) AS r
        JOIN ({YEAR_CENSUS_SQL}) AS y USING (academic_year)
        ORDER BY r.academic_year
        """
    ).fetchall()
    return [r[0] for r in rows]


def release_years(
    con: duckdb.DuckDBPyConnection, academic_year: str | None = None, trend: int = TREND_YEARS
) -> list[str]:
    """The years of a release, oldest first: ``academic_year`` (default: the latest with
    data) and up to ``trend - 1`` earlier years with data."""
    available = years_with_data(con)
    if academic_year is None:
        if not available:
            raise PupilstatsError(
                "the store holds no KS2, KS4 or absence rows with an autumn census of their "
                "academic year: load a borough's files first"
            )
        academic_year = available[-1]
    academic_year = periods.academic_year(academic_year)
    if academic_year not in available:
        raise PupilstatsError(
            f"no KS2, KS4 or absence rows with a census for {academic_year}; years with data: "
            + (", ".join(available) or "none")
        )
    earlier = [y for y in available if y <= academic_year]
    return earlier[-trend:]
