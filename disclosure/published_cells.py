"""The published cells of protected tables: what each cell shows, and one digest of them all.

A cell shows the profile's symbol when suppressed, else its value as text, rounded to the
profile's base under a rounding profile (NHS England's rule, :mod:`disclosure.rounding`). That
is the release the attacker's audit checks (Hundepool et al., 2012, section 4.3.4; tau-ARGUS
manual, "audit"): the audit works from the values, the pattern and the profile, and records in
its report (``AuditReport.digest``) the sha256 of exactly these published cells.
:func:`published_cells_digest` computes the same digest from any frames of published cells, so
a release writer can recompute it over what it is about to write and refuse to write anything
the audit did not check. Method note: ``docs/methods/audit.md``, "Digest of the audited cells".

The digest's input, in UTF-8 (every line ASCII JSON, ``\\uXXXX`` escapes, no space between tokens,
each ended by ``\\n``), for each table in order of its name:

- ``{"dimensions":[d_1,...,d_k],"table":name}``, the dimension names sorted;
- one line per cell, ``[[c_1,...,c_k],text]``, its codes in that dimension order and its
  published text, the lines sorted (as byte strings).

The order of a frame's rows and of its columns therefore does not change the digest; any
change to a code, a published text, a table's name or its set of cells does.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

import numpy as np
import polars as pl

from disclosure.errors import TableError
from disclosure.profile import Profile
from disclosure.rounding import published_text
from disclosure.table import Table

PUBLISHED = "published"
"""The column holding each cell's published text (a whole number as text, or the symbol)."""


def published_column(table: Table, suppressed: np.ndarray, profile: Profile) -> pl.Series:
    """What each cell of ``table`` shows, aligned with ``table.cells``: the profile's symbol
    where ``suppressed``, else the value as text, rounded under a rounding profile (NHS
    England's rule; cell status, tau-ARGUS manual)."""
    text = published_text(table.values.ravel(), suppressed, profile.symbol, profile.rounding_base)
    return pl.Series(PUBLISHED, text, dtype=pl.Utf8)


def published_cells(table: Table, suppressed: np.ndarray, profile: Profile) -> pl.DataFrame:
    """``table``'s cells as published under ``profile`` with the pattern ``suppressed``
    (aligned with ``table.cells``): a Utf8 column per dimension and :data:`PUBLISHED`, the
    release the audit of Hundepool et al., 2012, 4.3.4 checks."""
    names = [d.name for d in table.dimensions]
    return table.cells.select(names).with_columns(published_column(table, suppressed, profile))


def published_cells_digest(tables: Mapping[str, pl.DataFrame]) -> str:
    """The sha256 (hex) of the published cells of ``tables``, in the canonical serialisation
    of the module docstring: what the audit of Hundepool et al., 2012, 4.3.4 checked, when
    ``tables`` are the audited tables' published cells.

    ``tables`` maps a table name to a frame holding one column per dimension (codes) and the
    :data:`PUBLISHED` column, nothing else; values are read as text. A frame without
    ``published`` or without a dimension column, with a null, or with two rows for one cell
    raises :class:`~disclosure.errors.TableError`.
    """
    digest = hashlib.sha256()
    for name in sorted(tables):
        frame = tables[name]
        if PUBLISHED not in frame.columns:
            raise TableError(f"table {name!r}: no {PUBLISHED!r} column to digest")
        dimensions = sorted(c for c in frame.columns if c != PUBLISHED)
        if not dimensions:
            raise TableError(f"table {name!r}: no dimension column beside {PUBLISHED!r}")
        cells = frame.select(
            *[pl.col(d).cast(pl.Utf8) for d in dimensions], pl.col(PUBLISHED).cast(pl.Utf8)
        )
        if any(cells[c].null_count() for c in cells.columns):
            raise TableError(f"table {name!r}: null codes or published text")
        if cells.select(dimensions).is_duplicated().any():
            raise TableError(f"table {name!r}: a cell appears more than once")
        digest.update(_line({"table": name, "dimensions": dimensions}))
        for line in sorted(_line([list(row[:-1]), row[-1]]) for row in cells.iter_rows()):
            digest.update(line)
    return digest.hexdigest()


def _line(value: Any) -> bytes:
    """One line of the digest's input: compact ASCII JSON, keys sorted, ended by a newline."""
    text = json.dumps(value, ensure_ascii=True, separators=(",", ":"), sort_keys=True)
    return (text + "\n").encode("ascii")
