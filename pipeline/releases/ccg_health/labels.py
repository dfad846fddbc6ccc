"""Label columns: a name printed beside a dimension's code in a published health table.

A label column (``ward_name`` beside ``ward``) names the code of its row; it holds no figure,
is not a cell of any audited table and is not part of a cell's key. The release writer
checks a table's CSV columns against ``ReleaseTable.columns`` and rebuilds the audited cells
from the dimension and measure columns only (``pipeline.release.published.audited_cells``),
so a label column changes neither the cells written nor the digest the audit is compared
with. :class:`LabelledReleaseTable` places each label right after the dimension it names.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields, replace

import polars as pl

from pipeline.release.published import ReleaseTable


@dataclass(frozen=True)
class LabelColumn:
    """A column naming the codes of dimension ``of`` (e.g. ``ward_name`` of ``ward``)."""

    column: str
    of: str
    description: str


@dataclass(frozen=True)
class LabelledReleaseTable(ReleaseTable):
    """A published table with label columns after the dimensions they name."""

    labels: tuple[LabelColumn, ...] = ()

    @property
    def columns(self) -> list[str]:
        """The CSV's columns: each dimension followed by its labels, the measure, the
        derived columns."""
        out: list[str] = []
        for dimension in self.dimensions:
            out.append(dimension.name)
            out += [label.column for label in self.labels if label.of == dimension.name]
        return [*out, self.measure, *[c.column for c in self.derived]]


def with_label(
    table: ReleaseTable, label: LabelColumn, names: Mapping[str, str], missing: str
) -> LabelledReleaseTable:
    """``table`` with ``label`` filled from ``names`` (code -> name; a code not in it gets
    ``missing``), its columns in :attr:`LabelledReleaseTable.columns` order."""
    labels = (*getattr(table, "labels", ()), label)
    frame = pl.DataFrame(
        {"code": list(names), "name": list(names.values())},
        schema={"code": pl.Utf8, "name": pl.Utf8},
    )
    cells = table.cells.join(
        frame.rename({"code": label.of, "name": label.column}),
        on=label.of,
        how="left",
        maintain_order="left",
    ).with_columns(pl.col(label.column).fill_null(missing))
    kept = {f.name: getattr(table, f.name) for f in fields(table) if f.name != "labels"}
    labelled = LabelledReleaseTable(**{**kept, "cells": cells, "labels": labels})
    return replace(labelled, cells=cells.select(labelled.columns))
