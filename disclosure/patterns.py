"""Cell statuses, and suppression patterns as the callers give them turned into one boolean
mask per table: the status of each cell (tau-ARGUS manual, "cell status": safe, primary,
secondary, request, and "protected" for a cell forced published), read by the audit
(Hundepool et al., 2012, 4.2.2) and for requested cells."""

from __future__ import annotations

from typing import Any

import numpy as np
import polars as pl

from disclosure.table import Table

SAFE, PRIMARY, SECONDARY, FORCED = "safe", "primary", "secondary", "forced"
"""The status of a protected cell: published, suppressed by a primary rule, suppressed to
protect a primary cell, or forced published by the profile (tau-ARGUS's "protected")."""
SUPPRESSED = (PRIMARY, SECONDARY)
"""The statuses of a suppressed cell."""


def pattern_mask(table: Table, given: Any) -> np.ndarray:
    """A boolean mask aligned with ``table.cells`` from a frame (``status`` or ``suppressed``
    column, joined on the dimension codes), series or sequence: true where the cell status is
    primary or secondary (tau-ARGUS manual, "cell status")."""
    if isinstance(given, pl.DataFrame):
        names = [d.name for d in table.dimensions]
        if "status" in given.columns:
            flag = pl.col("status").is_in(list(SUPPRESSED))
        elif "suppressed" in given.columns:
            flag = pl.col("suppressed").cast(pl.Boolean)
        else:
            raise ValueError(f"table {table.name!r}: frame needs a 'status' or 'suppressed' column")
        keyed = given.select(*[pl.col(n).cast(pl.Utf8) for n in names], flag.alias("__hidden"))
        joined = table.cells.select(names).join(keyed, on=names, how="left", maintain_order="left")
        if joined["__hidden"].null_count():
            raise ValueError(f"table {table.name!r}: the pattern does not cover every cell")
        return joined["__hidden"].to_numpy().astype(bool)
    mask = np.asarray(given.to_numpy() if isinstance(given, pl.Series) else given, dtype=bool)
    if mask.shape != (table.size,):
        raise ValueError(f"table {table.name!r}: mask has shape {mask.shape}, need ({table.size},)")
    return mask
