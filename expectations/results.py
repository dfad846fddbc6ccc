"""Reading a GX validation result into row failures and batch failures.

GX reports, per expectation, whether it passed and (with the COMPLETE result format) the
``_line`` of every unexpected row. The expectation's ``meta`` (``expectations.reasons``)
says whether a failure quarantines those rows (``reason``) or rejects the batch
(``batch``). An expectation that could not be evaluated rejects the batch, unless it could
not be evaluated because its column is missing, which is reported once as such.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from expectations import reasons
from schema.inputs import LINE


@dataclass(frozen=True)
class RowFailure:
    """Rows (by source line) that failed one row-level expectation."""

    reason: str
    fields: tuple[str, ...]
    lines: tuple[int, ...]
    element_count: int


@dataclass(frozen=True)
class ReadResults:
    """Every row failure, the batch failures, and how many expectations ran and failed."""

    row_failures: tuple[RowFailure, ...]
    batch_failures: tuple[str, ...]
    evaluated: int
    failed: int


def _exception_message(exception_info: Any) -> str | None:
    """The message of an exception GX caught while evaluating an expectation, if any."""
    if not isinstance(exception_info, dict):
        return None
    if exception_info.get("raised_exception"):
        return str(exception_info.get("exception_message"))
    for value in exception_info.values():
        if isinstance(value, dict) and value.get("raised_exception"):
            return str(value.get("exception_message"))
    return None


def _batch_message(code: str, fields: list[str], result: Any) -> str:
    if code == reasons.MISSING_COLUMN:
        return f"required column {fields[0]!r} is missing"
    if code == reasons.INCOMPLETE_COLUMN:
        details = result.result or {}
        filled = 100.0 - float(details.get("unexpected_percent") or 0.0)
        threshold = float(result.expectation_config.meta.get("threshold", 1.0))
        return (
            f"column {fields[0]!r} is filled on {filled:.1f}% of rows, below its "
            f"completeness threshold of {threshold:.0%}"
        )
    return f"{code}: {', '.join(fields)}"


def read_results(validation: Any, missing_columns: set[str]) -> ReadResults:
    """Split a GX ``ExpectationSuiteValidationResult`` into row and batch failures."""
    row_failures: list[RowFailure] = []
    batch_failures: list[str] = []
    failed = 0
    for result in validation.results:
        meta = result.expectation_config.meta or {}
        fields = list(meta.get("fields", []))
        if not result.success:
            failed += 1
        error = _exception_message(result.exception_info)
        if "batch" in meta:
            absent = meta["batch"] != reasons.MISSING_COLUMN and missing_columns.intersection(
                fields
            )
            if not result.success and not absent:
                batch_failures.append(_batch_message(meta["batch"], fields, result))
            continue
        if error is not None:
            if not missing_columns.intersection(fields):
                batch_failures.append(
                    f"could not check {meta.get('reason', result.expectation_config.type)} "
                    f"on {', '.join(fields)}: {error}"
                )
            continue
        if result.success or "reason" not in meta:
            continue
        lines = tuple(int(row[LINE]) for row in result.result.get("unexpected_index_list", []))
        row_failures.append(
            RowFailure(
                reason=meta["reason"],
                fields=tuple(fields),
                lines=lines,
                element_count=int(result.result.get("element_count", 0)),
            )
        )
    return ReadResults(
        row_failures=tuple(row_failures),
        batch_failures=tuple(batch_failures),
        evaluated=len(validation.results),
        failed=failed,
    )


def blank_required_columns(row_failures: tuple[RowFailure, ...]) -> list[str]:
    """Required columns blank on every row (a whole column lost, not a few bad rows)."""
    return [
        f.fields[0]
        for f in row_failures
        if f.reason == reasons.MISSING_REQUIRED
        and f.element_count
        and len(f.lines) == f.element_count
    ]
