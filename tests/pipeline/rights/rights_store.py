"""A small hand-made store for the rights tests: pupils inserted directly (no load, no GX)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb
import polars as pl
from stdnum.gb import upn as stdnum_upn

from pipeline.rights.release_population import COUNTED, EXCLUDED, PopulationRecord
from schema.inputs import CENSUS

CENSUS_DATE = date(2025, 10, 2)
SCHOOL = "3594001"


def make_upn(serial: int) -> str:
    """A valid UPN of LA 359, school 4001, allocated in 2010."""
    body = f"359400110{serial:03d}"
    return stdnum_upn.calc_check_digit(body) + body


@dataclass(frozen=True)
class Pupil:
    upn: str
    date_of_birth: date
    surname: str = "Testpupil"
    forename: str = "Alex"
    nc_year: str = "9"
    postcode: str = "WN1 1AA"


def census_row(pupil: Pupil, census_date: date = CENSUS_DATE) -> dict[str, object]:
    row: dict[str, object] = {c: None for c in CENSUS.column_names}
    row.update(
        census_date=census_date,
        upn=pupil.upn,
        laestab=SCHOOL,
        urn="100001",
        legal_surname=pupil.surname,
        forename=pupil.forename,
        date_of_birth=pupil.date_of_birth,
        sex="F",
        postcode=pupil.postcode,
        ward_code="E05000001",
        lsoa_code="E01000001",
        nc_year=pupil.nc_year,
        enrolment_status="C",
        ethnicity="WBRI",
        first_language="ENG",
        fsm_eligible=False,
        fsm6=False,
        sen_provision="N",
        idaci_score=0.1,
    )
    return row


def insert_pupils(
    con: duckdb.DuckDBPyConnection, pupils: list[Pupil], census_date: date = CENSUS_DATE
) -> None:
    if not con.execute("SELECT count(*) FROM schools WHERE laestab = ?", [SCHOOL]).fetchall()[0][0]:
        con.execute(
            "INSERT INTO schools VALUES (?, '100001', 'Test Academy', 'secondary', "
            "'E05000001', 'Test Ward')",
            [SCHOOL],
        )
    placeholders = ", ".join("?" for _ in CENSUS.column_names)
    for pupil in pupils:
        row = census_row(pupil, census_date)
        con.execute(f"INSERT INTO census VALUES ({placeholders})", list(row.values()))


def record_census_population(
    con: duckdb.DuckDBPyConnection, release_id: str, flow: str, census_date: date
) -> None:
    """Record a published release whose population is every pupil on the census of
    ``census_date``: counted unless a research opt-out keeps them out of statistics."""
    statuses = con.sql(
        f"""
        SELECT c.upn,
               CASE WHEN bool_or(e.upn IS NOT NULL) THEN '{COUNTED}' ELSE '{EXCLUDED}' END
                   AS status,
               c.census_date AS reference_date
        FROM census AS c
        LEFT JOIN statistics_eligible_census AS e
          ON e.upn = c.upn AND e.census_date = c.census_date AND e.laestab = c.laestab
        WHERE c.census_date = ?
        GROUP BY c.upn, c.census_date
        """,
        params=[census_date],
    ).pl()
    record = PopulationRecord(con, flow, statuses.with_columns(pl.col("reference_date")))
    record.prepare(release_id, Path(release_id))
    record.confirm(release_id)
