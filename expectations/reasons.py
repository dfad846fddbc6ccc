"""Reason codes of quarantined rows, and the metadata that ties an expectation to one.

Every row-level expectation of a suite carries ``meta = {"reason": <code>, "fields": [...]}``:
the short stable code written to the quarantine's ``reason`` column and the input columns
whose values are shown to whoever fixes the row. Batch-level expectations carry
``meta = {"batch": <code>}``; their failure rejects the whole file instead.
"""

from __future__ import annotations

from typing import Any

from schema.forms import FORMS

MISSING_REQUIRED = "missing_required"
"""A required column is blank on this row."""
CODE_NOT_IN_SET = "code_not_in_set"
"""A coded column holds a code outside its DfE code set (``schema.codes``)."""
OUT_OF_RANGE = "out_of_range"
"""A numeric value lies outside the schema's minimum/maximum."""
UPN_MALFORMED = "upn_malformed"
"""The UPN is not 13 characters of the form letter, 11 digits, digit or letter."""
UPN_CHECK_LETTER = "upn_check_letter"
"""A well-formed UPN whose check letter (or LA number) ``stdnum.gb.upn`` rejects."""
DUPLICATE_UPN = "duplicate_upn"
"""The UPN has more than one single or main registration in the same census."""
DUPLICATE_KEY = "duplicate_key"
"""Another row has the same natural key (``InputSchema.key``)."""
DOB_NC_YEAR_MISMATCH = "dob_nc_year_mismatch"
"""Age on the 31 August before the census date does not match the NC year."""
ABSENCE_EXCEEDS_POSSIBLE = "absence_exceeds_possible"
"""Authorised plus unauthorised absence exceeds the possible sessions."""
UNKNOWN_PUPIL = "unknown_pupil"
"""The UPN is not on any stored census."""
CENSUS_DATE_MISMATCH = "census_date_mismatch"
"""The row's census date is not the census date of the run."""
LAESTAB_NOT_IN_LA = "laestab_not_in_la"
"""The LAESTAB is not 7 digits starting with the configured LA number."""
SCORE_OR_CODE = "score_or_code"
"""A KS2 subject needs exactly one of a scaled score and a non-score code."""
FORM_REASONS: tuple[str, ...] = tuple(form.reason for form in FORMS)
"""A free-text value without its column's form (``schema.forms``): ``not_plain_text``,
``not_an_ons_code``, ``not_a_postcode``, ``not_a_name``, ``not_a_urn``,
``not_an_academic_year``. Such a value could start a
spreadsheet formula or hold a control character in an output."""

ROW_REASONS: tuple[str, ...] = (
    MISSING_REQUIRED,
    CODE_NOT_IN_SET,
    OUT_OF_RANGE,
    UPN_MALFORMED,
    UPN_CHECK_LETTER,
    DUPLICATE_UPN,
    DUPLICATE_KEY,
    DOB_NC_YEAR_MISMATCH,
    ABSENCE_EXCEEDS_POSSIBLE,
    UNKNOWN_PUPIL,
    CENSUS_DATE_MISMATCH,
    LAESTAB_NOT_IN_LA,
    SCORE_OR_CODE,
    *FORM_REASONS,
)

MISSING_COLUMN = "missing_column"
"""Batch level: a required column is absent from the file."""
INCOMPLETE_COLUMN = "incomplete_column"
"""Batch level: fewer rows than the column's completeness threshold have a value."""
BATCH_CODES: tuple[str, ...] = (MISSING_COLUMN, INCOMPLETE_COLUMN)

SUPERSEDED_BY: dict[str, str] = {UPN_CHECK_LETTER: UPN_MALFORMED}
"""A row already quarantined for the value reason is not reported again for the key reason
on the same fields: a malformed UPN is never also a bad check letter."""


def row_meta(reason: str, *fields: str) -> dict[str, Any]:
    """``meta`` of a row-level expectation: its reason code and the columns to report."""
    if reason not in ROW_REASONS:
        raise ValueError(f"unknown reason code {reason!r}")
    return {"reason": reason, "fields": list(fields)}


def batch_meta(code: str, column: str) -> dict[str, Any]:
    """``meta`` of a batch-level expectation: a failure rejects the whole file."""
    return {"batch": code, "fields": [column]}
