"""The one schema of the pupil-level inputs.

Every input file (the October school census, KS2 and KS4 results, absence, child
measurements, the consent register and the schools lookup) is described once here. The
synthetic generator writes files with these columns, the loader parses and types them with
these definitions, the expectation suites check them, and the release guard refuses any
column marked as an identifier.

Dates are ISO 8601 (YYYY-MM-DD) in files. Booleans are written ``Y``/``N``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import polars as pl

from schema import codes
from schema.forms import (
    ACADEMIC_YEAR,
    ONS_CODE,
    PERSON_NAME,
    PLAIN_TEXT,
    POSTCODE,
    URN,
    TextForm,
)

LINE = "_line"
"""Column holding the line of the source file a row starts on (header = line 1): every
row read from an input carries it, so a problem is reported with its file, line and field."""


@dataclass(frozen=True)
class Column:
    """One column of an input file: its name, type and the rules a value must meet."""

    name: str
    dtype: type[pl.DataType] | pl.DataType
    required: bool = True
    codes: tuple[str, ...] | None = None
    identifier: bool = False
    minimum: float | None = None
    maximum: float | None = None
    description: str = ""
    form: TextForm | None = None
    """The form a text value must have (``schema.forms``): set on every free-text column
    whose values can reach an output."""


@dataclass(frozen=True)
class InputSchema:
    """An input file: the DuckDB table it loads into, its columns and its natural key."""

    name: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    description: str
    replaced_by: tuple[str, ...] = field(default=())
    """Columns whose values identify a delivery: loading a file replaces the stored rows
    with the same values of these columns (for the census, its census date)."""
    may_be_empty: bool = False
    """Whether a file with a header and no rows is a normal delivery (a consent register
    with no records yet) rather than a broken export."""

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    @property
    def required_columns(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if c.required)

    @property
    def identifiers(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if c.identifier)

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(f"{self.name} has no column {name!r}")

    def polars_schema(self) -> dict[str, pl.DataType]:
        return {c.name: _instance(c.dtype) for c in self.columns}


def _instance(dtype: type[pl.DataType] | pl.DataType) -> pl.DataType:
    return dtype() if isinstance(dtype, type) else dtype


UPN = Column("upn", pl.Utf8, identifier=True, description="Unique Pupil Number, 13 characters")

SCHOOLS = InputSchema(
    name="schools",
    description="One row per school of the local authority (the establishment lookup).",
    key=("laestab",),
    columns=(
        Column("laestab", pl.Utf8, description="LA number + DfE establishment number"),
        Column("urn", pl.Utf8, description="Unique reference number (6 digits)", form=URN),
        Column("school_name", pl.Utf8, form=PLAIN_TEXT),
        Column("phase", pl.Utf8, codes=codes.PHASES),
        Column(
            "ward_code",
            pl.Utf8,
            description="ONS code of the ward the school is in",
            form=ONS_CODE,
        ),
        Column("ward_name", pl.Utf8, form=PLAIN_TEXT),
    ),
)

CENSUS = InputSchema(
    name="census",
    description="October school census: one row per pupil registration at the census date.",
    key=("census_date", "upn", "laestab"),
    replaced_by=("census_date",),
    columns=(
        Column("census_date", pl.Date, description="Census reference date"),
        UPN,
        Column("laestab", pl.Utf8),
        Column("urn", pl.Utf8, form=URN),
        Column("legal_surname", pl.Utf8, identifier=True, form=PERSON_NAME),
        Column("forename", pl.Utf8, identifier=True, form=PERSON_NAME),
        Column("date_of_birth", pl.Date, identifier=True),
        Column("sex", pl.Utf8, codes=codes.SEX),
        Column("postcode", pl.Utf8, identifier=True, form=POSTCODE),
        Column(
            "ward_code", pl.Utf8, description="ONS code of the pupil's home ward", form=ONS_CODE
        ),
        Column(
            "lsoa_code", pl.Utf8, description="ONS code of the pupil's home LSOA", form=ONS_CODE
        ),
        Column("nc_year", pl.Utf8, codes=codes.NC_YEARS),
        Column("enrolment_status", pl.Utf8, codes=codes.ENROLMENT_STATUS),
        Column("ethnicity", pl.Utf8, codes=codes.ETHNICITY),
        Column("first_language", pl.Utf8, codes=codes.FIRST_LANGUAGE),
        Column("fsm_eligible", pl.Boolean),
        Column("fsm6", pl.Boolean, description="Eligible for FSM at any census in 6 years"),
        Column("sen_provision", pl.Utf8, codes=codes.SEN_PROVISION),
        Column("idaci_score", pl.Float64, minimum=0.0, maximum=1.0),
    ),
)

KS2 = InputSchema(
    name="ks2",
    description="Key stage 2 results: one row per pupil of the year-6 cohort.",
    key=("academic_year", "upn"),
    replaced_by=("academic_year",),
    columns=(
        Column("academic_year", pl.Utf8, description="e.g. 2024/25", form=ACADEMIC_YEAR),
        UPN,
        Column("laestab", pl.Utf8),
        Column("reading_score", pl.Int64, required=False, minimum=80, maximum=120),
        Column("reading_code", pl.Utf8, required=False, codes=codes.KS2_NON_SCORE_CODES),
        Column("maths_score", pl.Int64, required=False, minimum=80, maximum=120),
        Column("maths_code", pl.Utf8, required=False, codes=codes.KS2_NON_SCORE_CODES),
        Column("writing_ta", pl.Utf8, codes=codes.KS2_WRITING_TA),
    ),
)

KS4 = InputSchema(
    name="ks4",
    description="Key stage 4 results: one row per pupil at the end of year 11.",
    key=("academic_year", "upn"),
    replaced_by=("academic_year",),
    columns=(
        Column("academic_year", pl.Utf8, form=ACADEMIC_YEAR),
        UPN,
        Column("laestab", pl.Utf8),
        Column("attainment8", pl.Float64, minimum=0.0, maximum=90.0),
        Column("progress8", pl.Float64, required=False, minimum=-10.0, maximum=10.0),
        Column("english_grade", pl.Int64, minimum=0, maximum=9),
        Column("maths_grade", pl.Int64, minimum=0, maximum=9),
    ),
)

ABSENCE = InputSchema(
    name="absence",
    description="Absence over an academic year: one row per pupil enrolment.",
    key=("academic_year", "upn", "laestab"),
    replaced_by=("academic_year",),
    columns=(
        Column("academic_year", pl.Utf8, form=ACADEMIC_YEAR),
        UPN,
        Column("laestab", pl.Utf8),
        Column("possible_sessions", pl.Int64, minimum=0),
        Column("authorised_absence", pl.Int64, minimum=0),
        Column("unauthorised_absence", pl.Int64, minimum=0),
    ),
)

NCMP = InputSchema(
    name="ncmp",
    description="Child measurements (NCMP): height and weight in Reception and Year 6.",
    key=("academic_year", "upn"),
    replaced_by=("academic_year",),
    columns=(
        Column("academic_year", pl.Utf8, form=ACADEMIC_YEAR),
        UPN,
        Column("laestab", pl.Utf8),
        Column("school_year", pl.Utf8, codes=codes.NCMP_SCHOOL_YEARS),
        Column("measurement_date", pl.Date),
        Column("height_cm", pl.Float64, minimum=80.0, maximum=200.0),
        Column("weight_kg", pl.Float64, minimum=10.0, maximum=150.0),
    ),
)

CONSENT = InputSchema(
    name="consent",
    description=(
        "Consent register, append-only: research/statistics opt-outs and parental "
        "restrictions on what is passed to Youth Support Services."
    ),
    key=("upn", "consent_type", "recorded_on", "source_ref"),
    may_be_empty=True,
    columns=(
        UPN,
        Column("consent_type", pl.Utf8, codes=codes.CONSENT_TYPES),
        Column("recorded_by", pl.Utf8, codes=codes.RECORDED_BY),
        Column("recorded_on", pl.Date),
        Column("effective_from", pl.Date),
        Column("withdrawn_on", pl.Date, required=False),
        Column(
            "source_ref",
            pl.Utf8,
            description="Reference of the source document",
            form=PLAIN_TEXT,
        ),
    ),
)

INPUTS: dict[str, InputSchema] = {
    s.name: s for s in (SCHOOLS, CENSUS, KS2, KS4, ABSENCE, NCMP, CONSENT)
}
"""Every input, by the name of its file stem and DuckDB table."""

IDENTIFYING_COLUMNS: frozenset[str] = frozenset(
    c.name for s in INPUTS.values() for c in s.columns if c.identifier
)
"""Columns that identify a person. None may ever reach a statistical release."""
