"""The quarantine rows of a validation: one per (input row, failed expectation).

Each row names the source line, the UPN (when the input has one), the field(s) at fault,
their value(s) as text (several fields are joined with ``", "``, blanks shown empty) and
the reason code. These rows hold pupil identifiers: they belong in the store's
``quarantine`` table, never in a release.
"""

from __future__ import annotations

import polars as pl

from expectations.reasons import SUPERSEDED_BY
from expectations.results import RowFailure
from schema.inputs import LINE

QUARANTINE_SCHEMA: dict[str, pl.DataType] = {
    LINE: pl.Int64(),
    "upn": pl.Utf8(),
    "field": pl.Utf8(),
    "value": pl.Utf8(),
    "expectation": pl.Utf8(),
}


def _value_text(fields: tuple[str, ...]) -> pl.Expr:
    texts = [pl.col(f).cast(pl.Utf8) for f in fields]
    if len(texts) == 1:
        return texts[0]
    return pl.concat_str([t.fill_null("") for t in texts], separator=", ")


def quarantine_rows(frame: pl.DataFrame, failures: tuple[RowFailure, ...]) -> pl.DataFrame:
    """Quarantine rows for ``failures``, taking the values from ``frame`` by ``_line``."""
    upn = pl.col("upn") if "upn" in frame.columns else pl.lit(None, pl.Utf8)
    parts = []
    for failure in failures:
        fields = tuple(f for f in failure.fields if f in frame.columns)
        if not failure.lines or not fields:
            continue
        parts.append(
            frame.filter(pl.col(LINE).is_in(failure.lines)).select(
                pl.col(LINE).cast(pl.Int64),
                upn.cast(pl.Utf8).alias("upn"),
                pl.lit(", ".join(fields)).alias("field"),
                _value_text(fields).alias("value"),
                pl.lit(failure.reason).alias("expectation"),
            )
        )
    if not parts:
        return pl.DataFrame(schema=QUARANTINE_SCHEMA)
    rows = pl.concat(parts)
    for reason, superseding in SUPERSEDED_BY.items():
        covered = rows.filter(pl.col("expectation") == superseding).select(LINE, "field")
        rows = pl.concat(
            [
                rows.filter(pl.col("expectation") != reason),
                rows.filter(pl.col("expectation") == reason).join(
                    covered, on=[LINE, "field"], how="anti"
                ),
            ]
        )
    return rows.sort(LINE, "expectation", "field")
