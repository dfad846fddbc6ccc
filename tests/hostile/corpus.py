"""The hostile-input corpus (``tests/data/hostile/payloads.toml``) and where it is planted.

``PAYLOADS`` are the values; ``plant_in_delivery`` writes them into every text column of
every input file of a synthetic borough (payload ``k`` in row ``k`` of each file, so a
refusal can be traced to its file, line and field) and returns what it planted.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from pipeline.synthetic import SyntheticBorough
from schema.inputs import INPUTS

CORPUS_FILE = Path(__file__).parents[1] / "data" / "hostile" / "payloads.toml"


@dataclass(frozen=True)
class Payload:
    """One hostile value: its name (for messages) and family (formula, markup, ...)."""

    name: str
    family: str
    text: str


def _payloads() -> tuple[Payload, ...]:
    entries = tomllib.loads(CORPUS_FILE.read_text(encoding="utf-8"))["payload"]
    return tuple(
        Payload(e["name"], e["family"], e["text"] * int(e.get("repeat", 1))) for e in entries
    )


PAYLOADS: tuple[Payload, ...] = _payloads()

FILE_BREAKERS = frozenset({"nul"})
"""Payloads that make a whole CSV file unreadable (a NUL byte: the file is binary): they
are planted in a file of their own, refused in one line naming it, not in the delivery."""


@dataclass(frozen=True)
class Planted:
    """A payload written into an input file: the file, its line (header = line 1), the field."""

    file: Path
    line: int
    field: str
    payload: Payload


def text_columns(input_name: str) -> list[str]:
    """The columns of an input that hold text (codes, names, references, identifiers)."""
    return [c.name for c in INPUTS[input_name].columns if c.dtype == pl.Utf8]


_LINE_BREAK = re.compile(r"\r\n|\r|\n")
"""What the reader counts as the end of a line (a lone CR too)."""


def plant_in_delivery(borough: SyntheticBorough, folder: Path) -> list[Planted]:
    """Write ``borough``'s input files as CSV into ``folder``, each followed by one row per
    payload (a copy of one of its rows with the payload in every text column), so the
    borough's own rows load as they are and every refusal can be traced to its file, line
    and field. The file breakers are left out (``FILE_BREAKERS``)."""
    payloads = [p for p in PAYLOADS if p.name not in FILE_BREAKERS]
    folder.mkdir(parents=True)
    planted: list[Planted] = []
    for name in INPUTS:
        frame = borough.text_frame(name)
        columns = [c for c in text_columns(name) if c in frame.columns]
        hostile = frame.sample(len(payloads), with_replacement=True, seed=1).with_columns(
            pl.Series(c, [p.text for p in payloads], dtype=pl.Utf8) for c in columns
        )
        line = frame.height + 2  # the header is line 1
        path = folder / f"{name}.csv"
        for payload in payloads:
            planted += [Planted(path, line, column, payload) for column in columns]
            line += 1 + len(columns) * len(_LINE_BREAK.findall(payload.text))
        pl.concat([frame, hostile]).write_csv(path, null_value="", line_terminator="\n")
    return planted
