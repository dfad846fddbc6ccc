"""CSV cells a spreadsheet will not evaluate (OWASP, CSV injection).

A spreadsheet opening a CSV file evaluates a cell that starts with ``=``, ``+``, ``-``,
``@``, a tab or a carriage return as a formula (``=HYPERLINK(...)``, ``+cmd|...``). Every
CSV pupilstats writes (release tables and documents, the Youth Support Services share)
passes through here: such a cell is prefixed with a single quote, which makes the spreadsheet
show it as text. A number the writers themselves format (``-2``, ``-0.5``, ``1e-05``) is left
as it is, and so are the cells named as kept (the suppression symbols), so the files of
ordinary data are byte-for-byte what they were.

Input values are checked for their form on the way in (``schema.forms``); this is the second
line of defence, for any value that reaches an output another way.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable

import polars as pl

FORMULA_STARTS: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r")
"""First characters that make a spreadsheet evaluate a cell."""
QUOTE = "'"
SYMBOLS: tuple[str, ...] = ("-",)
"""Cells kept as they are although they start with a formula character: a lone dash, the
symbol some publications print for nil (one character carries no formula). The project's
own suppression symbols (``c``, ``*``, ``z``) start with no formula character at all."""
_STARTS_A_FORMULA = r"^[=+\-@\t\r]"
_NUMBER_BODY = r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?"
"""A plain decimal number, as a writer formats one (a spreadsheet shows it as that number)."""
_NUMBER = rf"^{_NUMBER_BODY}$"


def _is_number(text: str) -> bool:
    return re.fullmatch(_NUMBER_BODY, text) is not None


def safe_cell(text: str, keep: Iterable[str] = SYMBOLS) -> str:
    """``text`` as a cell no spreadsheet evaluates: quoted when it starts a formula, unless
    it is a number or one of ``keep``."""
    if text.startswith(FORMULA_STARTS) and text not in set(keep) and not _is_number(text):
        return QUOTE + text
    return text


def safe_frame(frame: pl.DataFrame, keep: Iterable[str] = SYMBOLS) -> pl.DataFrame:
    """``frame`` with every text cell made safe (:func:`safe_cell`); other columns as they are."""
    kept = pl.Series(sorted(set(keep)), dtype=pl.Utf8)
    exprs = []
    for name, dtype in frame.schema.items():
        if dtype != pl.Utf8:
            continue
        cell = pl.col(name)
        risky = (
            cell.str.contains(_STARTS_A_FORMULA)
            & ~cell.str.contains(_NUMBER)
            & ~cell.is_in(kept.implode())
        )
        exprs.append(pl.when(risky).then(pl.lit(QUOTE) + cell).otherwise(cell).alias(name))
    return frame.with_columns(exprs) if exprs else frame


def safe_csv_text(text: str, keep: Iterable[str] = SYMBOLS) -> str:
    """CSV ``text`` (comma-separated, ``\\n`` line ends, a header of distinct names) with
    every cell made safe; ``text`` itself, unchanged to the byte, when no cell needs it."""
    kept = set(keep)
    rows = list(csv.reader(io.StringIO(text, newline="")))
    width = len(rows[0]) if rows else 0
    safe = [[safe_cell(cell, kept) for cell in row] or [""] * width for row in rows]
    if all(not row or new == row for new, row in zip(safe, rows, strict=True)):
        return text
    header, *body = safe
    frame = pl.DataFrame(body, schema={name: pl.Utf8 for name in header}, orient="row")
    return frame.write_csv(line_terminator="\n")  # polars quotes a lone CR; csv.writer does not


def safe_csv(frame: pl.DataFrame, keep: Iterable[str] = SYMBOLS) -> str:
    """``frame`` written as CSV (``\\n`` line ends) with every text cell made safe."""
    return safe_frame(frame, keep).write_csv(line_terminator="\n")
