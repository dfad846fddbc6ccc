"""The GX expectation suite of each input, built in code from ``schema.inputs``.

Every suite has, from the schema: each required column present (batch level) and never
blank; each coded column within its code set; each bounded numeric column within its
minimum and maximum; each free-text column that can reach an output in its form
(``schema.forms``: plain text, ONS code, postcode, name); the natural key unique. On top
of that, per input:

* any input with a UPN: the UPN well-formed (regex) and valid per ``python-stdnum``
  (the custom ``ExpectColumnValuesToBeValidUpn``);
* census: one single or main registration per UPN and census date (subsidiary dual
  registrations, enrolment status ``S``, are a pupil's second row by design), and the date
  of birth consistent with the NC year (derived columns, see ``expectations.helpers``);
* absence: authorised + unauthorised absence at most the possible sessions (derived column);
* ks2: each subject has exactly one of a scaled score and a non-score code;
* results, absence, NCMP, consent: the UPN on the census (derived column, optional);
* with the run's limits (``expectations.limits``): every LAESTAB in the configured LA, the
  census date the run's, and each column filled on at least its completeness threshold of
  rows (batch level: an incomplete column rejects the file).

Each expectation's ``meta`` names the quarantine reason (``expectations.reasons``).
This module imports GX: import it inside functions.
"""

from __future__ import annotations

from datetime import date
from functools import cache

import great_expectations as gx
import great_expectations.expectations as gxe
from great_expectations.expectations.row_conditions import Column as RowColumn

from expectations import helpers, reasons
from expectations.reasons import batch_meta, row_meta
from expectations.referential import REFERENCES_CENSUS
from expectations.upn import UPN_PATTERN, ExpectColumnValuesToBeValidUpn
from schema.inputs import INPUTS, InputSchema

Expectation = gxe.Expectation


def schema_expectations(schema: InputSchema) -> list[Expectation]:
    """Presence, completeness, code sets and ranges of every column, and key uniqueness."""
    found: list[Expectation] = []
    for column in schema.columns:
        name = column.name
        if column.required:
            found.append(
                gxe.ExpectColumnToExist(column=name, meta=batch_meta(reasons.MISSING_COLUMN, name))
            )
            found.append(
                gxe.ExpectColumnValuesToNotBeNull(
                    column=name, meta=row_meta(reasons.MISSING_REQUIRED, name)
                )
            )
        if column.codes is not None:
            found.append(
                gxe.ExpectColumnValuesToBeInSet(
                    column=name,
                    value_set=list(column.codes),
                    meta=row_meta(reasons.CODE_NOT_IN_SET, name),
                )
            )
        if column.minimum is not None or column.maximum is not None:
            found.append(
                gxe.ExpectColumnValuesToBeBetween(
                    column=name,
                    min_value=column.minimum,
                    max_value=column.maximum,
                    meta=row_meta(reasons.OUT_OF_RANGE, name),
                )
            )
        if column.form is not None:
            found.append(
                gxe.ExpectColumnValuesToMatchRegex(
                    column=name,
                    regex=column.form.pattern,
                    description=f"{name} must be {column.form.description}",
                    meta=row_meta(column.form.reason, name),
                )
            )
    found.append(_key_unique(schema))
    return found


def _key_unique(schema: InputSchema) -> Expectation:
    meta = row_meta(reasons.DUPLICATE_KEY, *schema.key)
    if len(schema.key) == 1:
        return gxe.ExpectColumnValuesToBeUnique(column=schema.key[0], meta=meta)
    return gxe.ExpectCompoundColumnsToBeUnique(
        column_list=list(schema.key), ignore_row_if="any_value_is_missing", meta=meta
    )


def upn_expectations() -> list[Expectation]:
    """UPN well-formed (13 characters, pattern) and accepted by ``stdnum.gb.upn``."""
    return [
        gxe.ExpectColumnValuesToMatchRegex(
            column="upn", regex=UPN_PATTERN, meta=row_meta(reasons.UPN_MALFORMED, "upn")
        ),
        ExpectColumnValuesToBeValidUpn(
            column="upn",
            description="upn must be a valid UPN (python-stdnum: known LA number, check letter)",
            meta=row_meta(reasons.UPN_CHECK_LETTER, "upn"),
        ),
    ]


def census_expectations() -> list[Expectation]:
    """One single/main registration per UPN and census date; DOB consistent with NC year."""
    return [
        gxe.ExpectCompoundColumnsToBeUnique(
            column_list=["census_date", "upn"],
            ignore_row_if="any_value_is_missing",
            row_condition=RowColumn("enrolment_status") != "S",
            description=(
                "one single or main registration per upn and census_date "
                "(subsidiary dual registrations, enrolment_status S, are exempt)"
            ),
            meta=row_meta(reasons.DUPLICATE_UPN, "upn"),
        ),
        gxe.ExpectColumnPairValuesToBeEqual(
            column_A=helpers.AGE_ON_31_AUGUST,
            column_B=helpers.AGE_OF_NC_YEAR,
            ignore_row_if="either_value_is_missing",
            description=(
                "date_of_birth consistent with nc_year: age on the 31 August before "
                "census_date is 4 in Reception and N + 4 in Year N"
            ),
            meta=row_meta(reasons.DOB_NC_YEAR_MISMATCH, "date_of_birth", "nc_year", "census_date"),
        ),
    ]


def absence_expectations() -> list[Expectation]:
    """Authorised plus unauthorised absence sessions at most the possible sessions."""
    return [
        gxe.ExpectColumnPairValuesAToBeGreaterThanB(
            column_A="possible_sessions",
            column_B=helpers.ABSENCE_SESSIONS,
            or_equal=True,
            ignore_row_if="either_value_is_missing",
            description="authorised_absence + unauthorised_absence <= possible_sessions",
            meta=row_meta(
                reasons.ABSENCE_EXCEEDS_POSSIBLE,
                "possible_sessions",
                "authorised_absence",
                "unauthorised_absence",
            ),
        )
    ]


def ks2_expectations() -> list[Expectation]:
    """Each KS2 test has a scaled score or a non-score code (A, B, M, T, U), not both."""
    return [
        gxe.ExpectColumnValuesToBeInSet(
            column=helpers.ks2_outcomes(subject),
            value_set=[1],
            description=(
                f"exactly one of {subject}_score and {subject}_code (a scaled score 80-120 "
                "or a non-score code)"
            ),
            meta=row_meta(reasons.SCORE_OR_CODE, f"{subject}_score", f"{subject}_code"),
        )
        for subject in helpers.KS2_SUBJECTS
    ]


def la_expectations(la_number: int) -> list[Expectation]:
    """LAESTAB is the configured LA number followed by a 4-digit establishment number."""
    return [
        gxe.ExpectColumnValuesToMatchRegex(
            column="laestab",
            regex=rf"^{la_number:03d}[0-9]{{4}}$",
            description=f"laestab must be a school of LA {la_number:03d} (LA number + 4 digits)",
            meta=row_meta(reasons.LAESTAB_NOT_IN_LA, "laestab"),
        )
    ]


def census_date_expectations(census_date: date) -> list[Expectation]:
    """Every row of the census carries the run's census date."""
    return [
        gxe.ExpectColumnValuesToBeInSet(
            column=helpers.CENSUS_DATE_TEXT,
            value_set=[census_date.isoformat()],
            description=f"census_date must be the run's census date, {census_date.isoformat()}",
            meta=row_meta(reasons.CENSUS_DATE_MISMATCH, "census_date"),
        )
    ]


def completeness_expectations(thresholds: tuple[tuple[str, float], ...]) -> list[Expectation]:
    """Each column filled on at least its threshold share of rows (batch level)."""
    return [
        gxe.ExpectColumnValuesToNotBeNull(
            column=column,
            mostly=share,
            description=f"{column} filled on at least {share:.0%} of rows (completeness)",
            meta=batch_meta(reasons.INCOMPLETE_COLUMN, column) | {"threshold": share},
        )
        for column, share in thresholds
    ]


def referential_expectations() -> list[Expectation]:
    """The UPN is on the census (derived boolean column ``_chk_on_census``)."""
    return [
        gxe.ExpectColumnValuesToBeInSet(
            column=helpers.ON_CENSUS,
            value_set=[True],
            description="upn must be on a stored census",
            meta=row_meta(reasons.UNKNOWN_PUPIL, "upn"),
        )
    ]


@cache
def build_suite(
    input_name: str,
    *,
    check_census: bool = True,
    la_number: int | None = None,
    census_date: date | None = None,
    completeness: tuple[tuple[str, float], ...] = (),
) -> gx.ExpectationSuite:
    """The suite of ``input_name``; without the census check when ``check_census`` is false.

    ``la_number``, ``census_date`` and ``completeness`` (column, minimum share filled) add
    the run's own limits. Suites are plain objects (not saved to a context), cached per
    process and argument.
    """
    schema = INPUTS[input_name]
    found = schema_expectations(schema)
    if "upn" in schema.column_names:
        found += upn_expectations()
    if input_name == "census":
        found += census_expectations()
        if census_date is not None:
            found += census_date_expectations(census_date)
    if input_name == "ks2":
        found += ks2_expectations()
    if input_name == "absence":
        found += absence_expectations()
    if la_number is not None and "laestab" in schema.column_names:
        found += la_expectations(la_number)
    if check_census and input_name in REFERENCES_CENSUS:
        found += referential_expectations()
    found += completeness_expectations(completeness)
    suffix = "" if check_census or input_name not in REFERENCES_CENSUS else "_without_census"
    return gx.ExpectationSuite(name=f"pupilstats_{input_name}{suffix}", expectations=found)
