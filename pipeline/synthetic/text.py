"""Typed frames as the text written to the input files.

Dates are ISO ``YYYY-MM-DD``, booleans ``Y``/``N``, numbers as polars prints them (the
generator rounds every float to the decimals the file carries), and a null is a blank.
"""

from __future__ import annotations

import polars as pl


def text_expr(name: str, dtype: pl.DataType) -> pl.Expr:
    """Expression writing column ``name`` of type ``dtype`` as file text (null stays null)."""
    column = pl.col(name)
    if dtype == pl.Boolean:
        return pl.when(column).then(pl.lit("Y")).when(~column).then(pl.lit("N")).alias(name)
    if dtype == pl.Date:
        return column.dt.strftime("%Y-%m-%d").alias(name)
    return column.cast(pl.Utf8).alias(name)


def as_text(frame: pl.DataFrame) -> pl.DataFrame:
    """Every column of ``frame`` as text, in the same order."""
    return frame.select(text_expr(name, dtype) for name, dtype in frame.schema.items())
