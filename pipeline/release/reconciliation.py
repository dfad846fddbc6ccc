"""How a release's total follows from its source, published under the release's own rules.

A reconciliation is a short chain of LA-level figures (e.g. census registrations, less
subsidiary registrations, less pupils outside the release's scope, equals the total every
table of the release shares). Its figures are counts of pupils like the tables' cells, so
they are shown the way the release shows a cell: a figure the profile's primary rule makes
sensitive (a count of 1 to threshold-1) is shown as the profile's symbol, and so is whatever
would let it be worked out from the other figures of the chain (each line is the sum of the
lines under it). The release's own total is published in its tables, so it is never hidden
here (``fixed``): it is known to whoever reads the tables.

The pattern is checked with the attacker's audit over the chain (``disclosure.audit``, the
profile's protection levels: no hidden figure recovered exactly or narrowed to a range
inside 1..threshold-1); a pattern that fails it is widened to every figure but the fixed ones,
and a chain whose figures cannot be protected so is refused.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import polars as pl

from disclosure import Dimension, Profile, Table, audit, primary_cells
from disclosure.published_cells import published_column
from pipeline.release.published import ReleaseTable
from schema.errors import ReleaseRefused

SUPPRESSED = ("primary", "secondary")


@dataclass(frozen=True)
class Line:
    """One figure of the chain: its code, its words, its parent (``None`` for the figure
    at the top, the sum of those under it) and its true value."""

    code: str
    words: str
    parent: str | None
    value: int
    fixed: bool = False
    """Published elsewhere in the release (its total): never hidden here."""


def _table(lines: Sequence[Line]) -> Table:
    (top,) = [line for line in lines if line.parent is None]
    dimension = Dimension(
        name="line",
        total=top.code,
        parents={line.code: line.parent for line in lines if line.parent is not None},
    )
    values = np.zeros(len(dimension.codes), dtype=np.int64)
    for line in lines:
        values[dimension.codes.index(line.code)] = line.value
    return Table("reconciliation", (dimension,), values)


def _secondary(lines: Sequence[Line], hidden: set[str]) -> set[str]:
    """``hidden`` widened until no relation (a line and the lines under it) has exactly one
    hidden figure: each time, a published figure of that relation that is not fixed is
    hidden too, the one leaving fewest relations with a single hidden figure, then the
    smallest."""
    hidden = set(hidden)
    relations = [
        [parent.code, *[line.code for line in lines if line.parent == parent.code]]
        for parent in lines
        if any(line.parent == parent.code for line in lines)
    ]
    value = {line.code: line.value for line in lines}
    fixed = {line.code for line in lines if line.fixed}
    changed = True
    while changed:
        changed = False
        for relation in relations:
            if sum(code in hidden for code in relation) != 1:
                continue
            candidates = [c for c in relation if c not in hidden and c not in fixed]
            if not candidates:
                raise ReleaseRefused(
                    "the reconciliation's small figures cannot be protected without hiding "
                    "the release's own total"
                )

            def cost(code: str) -> tuple[int, int, str]:
                after = hidden | {code}
                single = sum(sum(c in after for c in r) == 1 for r in relations)
                return single, value[code], code

            hidden.add(min(candidates, key=cost))
            changed = True
    return hidden


def protected_lines(lines: Sequence[Line], profile: Profile) -> list[tuple[str, str]]:
    """Each line's words and its figure as published under ``profile`` (module docstring),
    in the order given."""
    table = _table(lines)
    codes = table.dimensions[0].codes
    primary = primary_cells(table, profile)
    sensitive = {
        c for c, s in zip(primary["line"], primary["status"], strict=True) if s in SUPPRESSED
    }
    fixed = {line.code for line in lines if line.fixed}
    if sensitive & fixed:
        raise ReleaseRefused("the release's own total is below the threshold: no reconciliation")
    hidden = _secondary(lines, sensitive)
    for attempt in (hidden, {c for c in codes if c not in fixed}):
        mask = np.array([c in attempt for c in codes])
        if not attempt or audit([table], {table.name: mask}, profile).passed:
            text = dict(zip(codes, published_column(table, mask, profile).to_list(), strict=True))
            return [(line.words, text[line.code]) for line in lines]
    raise ReleaseRefused("the reconciliation's figures fail the attacker's audit")


def shown_figure(table: ReleaseTable, codes: Mapping[str, str]) -> str:
    """What ``table`` publishes in the cell with these ``codes`` (one per dimension): a
    whole number as text, or the release's symbol where the cell is suppressed. A
    reconciliation's ``fixed`` total is the release's own only where this is a number."""
    rows = table.cells.filter(*[pl.col(name) == code for name, code in codes.items()])
    if rows.height != 1:
        raise ValueError(f"{table.name}: {rows.height} cells match {dict(codes)}")
    return str(rows[table.measure][0])
