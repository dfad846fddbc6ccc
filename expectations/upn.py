"""Unique Pupil Number checks, including a custom GX expectation backed by ``python-stdnum``.

A UPN is 13 characters: a check letter, the 3-digit LA number, the 4-digit DfE
establishment number, 2 digits of the year of allocation and a 3-character serial (a
temporary UPN ends in a letter). ``stdnum.gb.upn.is_valid`` checks the length, the format,
that the LA number is a known one, and the check letter (sum of character value times
position for positions 2-13, mod 23, looked up in ``ABCDEFGHJKLMNPQRTUVWXYZ``).

``ExpectColumnValuesToBeValidUpn`` is a ColumnMapExpectation whose metric
(``column_values.valid_upn``) has a pandas implementation only: the one engine GX runs here.
This module imports GX at import time: import it only where suites are built.
"""

from __future__ import annotations

from typing import Any, ClassVar

from great_expectations.execution_engine import PandasExecutionEngine
from great_expectations.expectations.expectation import ColumnMapExpectation
from great_expectations.expectations.metrics import (
    ColumnMapMetricProvider,
    column_condition_partial,
)
from stdnum.gb import upn as stdnum_upn

UPN_PATTERN = r"^[A-HJ-NP-RT-Z][0-9]{11}[0-9A-HJ-NP-RT-Z]$"
"""Well-formed UPN: check letter (no I, O, S), 11 digits, then a digit or (temporary) a
letter. Upper case, no spaces: ``stdnum`` would forgive both, the store must not."""


def is_valid_upn(value: object) -> bool:
    """True when ``value`` is a string ``stdnum.gb.upn`` accepts (check letter included)."""
    return isinstance(value, str) and stdnum_upn.is_valid(value)


class ColumnValuesValidUpn(ColumnMapMetricProvider):
    """Row-wise metric: is the value a valid UPN per ``stdnum.gb.upn``."""

    condition_metric_name = "column_values.valid_upn"

    @column_condition_partial(engine=PandasExecutionEngine)
    def _pandas(cls, column: Any, **kwargs: Any) -> Any:
        return column.map(is_valid_upn)


class ExpectColumnValuesToBeValidUpn(ColumnMapExpectation):
    """Expect each non-null value to be a valid English Unique Pupil Number.

    Validity is ``stdnum.gb.upn.is_valid``: 13 characters, digits in positions 2-12, a
    known LA number in positions 2-4 and the right check letter in position 1.
    """

    map_metric = "column_values.valid_upn"
    success_keys = ("mostly",)
    library_metadata: ClassVar[dict[str, Any]] = {
        "maturity": "experimental",
        "tags": ["pupilstats", "upn"],
        "contributors": ["pupilstats"],
        "requirements": ["python-stdnum"],
    }
