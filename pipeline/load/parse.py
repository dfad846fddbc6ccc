"""Parsing text rows into the schema's types, quarantining values that do not parse.

A value that cannot become its column's type (a date like ``2025-02-30``, a number like
``12a``, a boolean like ``maybe``) sends its row to quarantine with the line, field, value
and reason; the other rows go on. Blank values become nulls here and are judged by the
expectation suites (``missing_required``), not by the parser. Text values keep everything
but surrounding spaces, so the suites judge them as delivered (``schema.forms``).
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from schema.inputs import LINE, InputSchema

TRUE_TEXT = ("Y", "YES", "TRUE", "1", "T")
FALSE_TEXT = ("N", "NO", "FALSE", "0", "F")

_STRIPPED: dict[bool, str | None] = {True: " ", False: None}
"""What is stripped from a value before it is typed: a text value loses only spaces, so it is
checked as delivered (a leading tab or carriage return before ``=1+1`` stays and fails its
form, instead of being stripped into a live formula); a date, number or boolean loses any
surrounding whitespace (``None``)."""

QUARANTINE_COLUMNS = {
    LINE: pl.Int64,
    "upn": pl.Utf8,
    "field": pl.Utf8,
    "value": pl.Utf8,
    "reason": pl.Utf8,
}


@dataclass(frozen=True)
class ParsedRows:
    """Typed rows that parsed, and one quarantine row per value that did not."""

    rows: pl.DataFrame
    quarantined: pl.DataFrame


def _typed(column: str, dtype: pl.DataType) -> tuple[pl.Expr, str]:
    """Expression turning the stripped text column into ``dtype`` (null when it fails)."""
    text = pl.col(column)
    if dtype == pl.Date:
        return text.str.to_date("%Y-%m-%d", strict=False), "not_a_date (expected YYYY-MM-DD)"
    if dtype == pl.Int64:
        return text.cast(pl.Int64, strict=False), "not_a_whole_number"
    if dtype == pl.Float64:
        return text.cast(pl.Float64, strict=False), "not_a_number"
    if dtype == pl.Boolean:
        upper = text.str.to_uppercase()
        expr = (
            pl.when(upper.is_in(TRUE_TEXT))
            .then(True)
            .when(upper.is_in(FALSE_TEXT))
            .then(False)
            .otherwise(None)
        )
        return expr, "not_a_boolean (expected Y or N)"
    return text, ""


def parse_rows(text_rows: pl.DataFrame, schema: InputSchema) -> ParsedRows:
    """Type every column of ``text_rows`` per ``schema``; quarantine rows that fail."""
    types = schema.polars_schema()
    stripped = text_rows.with_columns(
        pl.col(c).str.strip_chars(_STRIPPED[dtype == pl.Utf8]).replace("", None)
        for c, dtype in types.items()
    )
    typed_exprs = []
    failures = []
    for name, dtype in types.items():
        expr, reason = _typed(name, dtype)
        typed_exprs.append(expr.alias(name))
        if reason:
            failed = pl.col(name).is_not_null() & expr.is_null()
            failures.append((name, reason, failed))
    typed = stripped.select(*typed_exprs, pl.col(LINE))
    quarantine_parts = []
    bad_mask = pl.repeat(False, stripped.height, eager=True)
    for name, reason, failed in failures:
        mask = stripped.select(failed).to_series()
        if mask.any():
            bad_mask = bad_mask | mask
            quarantine_parts.append(
                stripped.filter(mask).select(
                    pl.col(LINE),
                    (pl.col("upn") if "upn" in types else pl.lit(None, pl.Utf8)).alias("upn"),
                    pl.lit(name).alias("field"),
                    pl.col(name).alias("value"),
                    pl.lit(reason).alias("reason"),
                )
            )
    quarantined = (
        pl.concat(quarantine_parts) if quarantine_parts else pl.DataFrame(schema=QUARANTINE_COLUMNS)
    )
    return ParsedRows(rows=typed.filter(~bad_mask), quarantined=quarantined.sort(LINE, "field"))
