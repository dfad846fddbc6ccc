"""The funding round's reconciliation follows what its tables publish (issue 18): the LA
total is the tables' own figure, and where they hide it the steps are given in words only."""

from __future__ import annotations

import re
from datetime import date

import duckdb
import pytest

from pipeline.profiles import load_profile
from pipeline.releases.funding_round.note import census_reconciliation

CENSUS = date(2025, 10, 2)
PROFILE = load_profile("dfe")


@pytest.fixture
def con() -> duckdb.DuckDBPyConnection:
    """A census of 30 pupils on roll in R-11, 2 in Year 12 and one subsidiary registration."""
    con = duckdb.connect()
    con.execute("CREATE MACRO on_roll(status) AS status IN ('C', 'M')")
    con.execute(
        "CREATE TABLE statistics_eligible_census (census_date DATE, enrolment_status VARCHAR, "
        "nc_year VARCHAR)"
    )
    rows = [("C", "5")] * 30 + [("C", "12")] * 2 + [("S", "5")]
    con.executemany(
        "INSERT INTO statistics_eligible_census VALUES (?, ?, ?)",
        [(CENSUS, status, year) for status, year in rows],
    )
    return con


def test_a_published_total_is_reached_with_small_steps_hidden(
    con: duckdb.DuckDBPyConnection,
) -> None:
    lines = census_reconciliation(con, CENSUS, 30, PROFILE, shown="30").lines
    assert [figure for _, figure in lines] == ["c", "c", "30"]  # 2 in KS5: hidden with 32


def test_a_hidden_total_gives_no_figure(con: duckdb.DuckDBPyConnection) -> None:
    hidden = census_reconciliation(con, CENSUS, 30, PROFILE, shown=PROFILE.symbol)
    assert hidden.lines == () and hidden.grid == ()
    assert "suppressed in this release's tables" in hidden.paragraphs[0]
    assert re.findall(r"\b[0-9]+\b", hidden.paragraphs[0]) == ["12", "13"]  # years, no count


def test_a_total_published_as_another_figure_is_an_error(con: duckdb.DuckDBPyConnection) -> None:
    with pytest.raises(RuntimeError, match="publish the LA total 30 as '31'"):
        census_reconciliation(con, CENSUS, 30, PROFILE, shown="31")
