"""Tiny hand-made release folders (``manifest.json`` and CSVs, in the published shape) for
testing the independent attacker on cases whose answer is known by hand."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

TOTAL = "Total"
SYMBOL = "c"


@dataclass(frozen=True)
class HandTable:
    """A table: its dimensions (column, parent of every non-total code; the total is
    ``Total``), its rows (codes..., count or ``c``) and, optionally, its population."""

    name: str
    dimensions: list[tuple[str, dict[str, str]]]
    rows: list[tuple[str | int, ...]]
    family: str | None = None
    extra: dict[str, list[str]] = field(default_factory=dict)
    """Derived columns written after the measure (the attacker ignores them)."""


def grid(
    name: str,
    rows: str,
    columns: str,
    interior: Mapping[str, Mapping[str, int]],
    hidden: Iterable[tuple[str, str]] = (),
    family: str | None = None,
) -> HandTable:
    """A two-way table of counts with its row, column and grand totals computed; the cells
    ``hidden`` (``(row code, column code)``, totals included as ``Total``) are suppressed."""
    row_codes = list(interior)
    column_codes = list(next(iter(interior.values())))
    value: dict[tuple[str, str], int] = {}
    for r in row_codes:
        for c in column_codes:
            value[(r, c)] = interior[r][c]
        value[(r, TOTAL)] = sum(interior[r].values())
    for c in column_codes:
        value[(TOTAL, c)] = sum(interior[r][c] for r in row_codes)
    value[(TOTAL, TOTAL)] = sum(value[(r, TOTAL)] for r in row_codes)
    hide = set(hidden)
    out = [
        (r, c, SYMBOL if (r, c) in hide else v)
        for (r, c), v in sorted(value.items(), key=lambda kv: (kv[0][0] != TOTAL, kv[0]))
    ]
    return HandTable(
        name,
        [
            (rows, {code: TOTAL for code in row_codes}),
            (columns, {code: TOTAL for code in column_codes}),
        ],
        out,
        family,
    )


def write_release_folder(
    folder: Path, tables: list[HandTable], threshold: int = 3, flow: str = "hand-made"
) -> Path:
    """Write ``tables`` as a release folder the way the release writer lays one out."""
    folder.mkdir(parents=True, exist_ok=True)
    entries = []
    for table in tables:
        columns = [c for c, _ in table.dimensions]
        file = f"{table.name}.csv"
        with (folder / file).open("w", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow([*columns, "pupils", *table.extra])
            for i, row in enumerate(table.rows):
                writer.writerow([*row, *(values[i] for values in table.extra.values())])
        entry: dict[str, object] = {
            "name": table.name,
            "file": file,
            "dimensions": [
                {"column": c, "total": TOTAL, "parents": parents} for c, parents in table.dimensions
            ],
            "measure": {"column": "pupils", "kind": "count"},
            "derived": [{"column": c, "kind": "percentage"} for c in table.extra],
            "symbols": {"suppressed": SYMBOL},
            "threshold": threshold,
        }
        if table.family is not None:
            entry["family"] = table.family
        entries.append(entry)
    manifest = {"release_id": folder.name, "flow": flow, "tables": entries}
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
    return folder
