"""The October census and the schools lookup, as typed frames in the schema's columns.

The census has one row per registration: a single registration (C) for most pupils, and
for a dual-registered pupil a main registration (M) at their own school and a subsidiary
one (S) at their second school, with the same pupil details. Rows are in school
(LAESTAB), NC year and UPN order.
"""

from __future__ import annotations

from datetime import date

import polars as pl

from pipeline.synthetic.geography import Geography
from pipeline.synthetic.schools import Schools
from schema import codes
from schema.inputs import CENSUS, SCHOOLS


def schools_frame(schools: Schools, geography: Geography) -> pl.DataFrame:
    """The schools lookup: one row per school, in LAESTAB order."""
    return pl.DataFrame(
        {
            "laestab": schools.laestab,
            "urn": schools.urn,
            "school_name": schools.name,
            "phase": schools.phase,
            "ward_code": geography.ward_code[schools.ward],
            "ward_name": geography.ward_name[schools.ward],
        },
        schema=SCHOOLS.polars_schema(),
    )


def registrations(register: pl.DataFrame, schools: Schools) -> pl.DataFrame:
    """One row per registration: the register's rows (status C or M) plus an S row for
    each dual-registered pupil, with ``laestab``, ``urn`` and ``enrolment_status``."""
    lookup = pl.DataFrame(
        {
            "school": list(range(schools.count)),
            "laestab": schools.laestab,
            "urn": schools.urn,
            "school_phase": schools.phase,
        },
        schema_overrides={"school": pl.Int64},
    )
    dual = pl.col("second_school") >= 0
    main = register.with_columns(
        pl.when(dual).then(pl.lit("M")).otherwise(pl.lit("C")).alias("enrolment_status")
    )
    subsidiary = register.filter(dual).with_columns(
        pl.col("second_school").alias("school"), pl.lit("S").alias("enrolment_status")
    )
    year_order = pl.col("nc_year").replace_strict(
        {y: i for i, y in enumerate(codes.NC_YEARS)}, return_dtype=pl.Int64
    )
    return (
        pl.concat([main, subsidiary])
        .with_columns(pl.col("school").cast(pl.Int64))
        .join(lookup, on="school", how="left")
        .sort(["laestab", year_order, "upn"])
    )


def census_frame(rows: pl.DataFrame, census_date: date) -> pl.DataFrame:
    """The census columns of ``registrations`` rows, typed per the schema."""
    return rows.with_columns(pl.lit(census_date).alias("census_date")).select(
        [pl.col(name).cast(dtype) for name, dtype in CENSUS.polars_schema().items()]
    )
