"""A short note for a release's recipient: what each table holds, the rules, the symbols.

The note is Markdown written beside the tables as ``README.md`` (``write_release(...,
documents=...)``) and listed in the manifest with its sha256. It says only what anyone could
read from the release and its profile: no true value, no count of suppressed cells by value.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

NOTE_FILE = "README.md"


@dataclass(frozen=True)
class NoteTable:
    """One table of the release: its CSV and what a row of it counts."""

    file: str
    holds: str


@dataclass(frozen=True)
class ReleaseNote:
    """Everything the recipient's note says, in the order it says it."""

    title: str
    reference_date: date
    about: str
    """Who is counted: the population, the date it refers to, who is left out and why."""
    tables: tuple[NoteTable, ...]
    columns: tuple[tuple[str, str], ...]
    """(column, meaning) for the columns every table shares."""
    codes: tuple[tuple[str, str], ...]
    """(code, meaning) for the dimension codes a reader needs explained."""
    rules: tuple[str, ...]
    symbols: tuple[tuple[str, str], ...]
    """(symbol, meaning)."""
    other: tuple[str, ...] = field(default=())
    """Further paragraphs (sources, what is not published and why)."""


def _rows(pairs: tuple[tuple[str, str], ...], head: tuple[str, str]) -> list[str]:
    lines = [f"| {head[0]} | {head[1]} |", "|---|---|"]
    lines += [f"| `{a}` | {b} |" for a, b in pairs]
    return lines


def render_note(note: ReleaseNote) -> str:
    """The note as Markdown."""
    lines = [
        f"# {note.title}",
        "",
        f"Reference date: {note.reference_date.isoformat()}.",
        "",
        note.about,
        "",
        "## Tables",
        "",
        *[f"- `{t.file}`: {t.holds}" for t in note.tables],
        "",
        "## Columns",
        "",
        *_rows(note.columns, ("column", "meaning")),
        "",
    ]
    if note.codes:
        lines += ["## Codes", "", *_rows(note.codes, ("code", "meaning")), ""]
    lines += ["## Rules applied", "", *[f"- {r}" for r in note.rules], ""]
    lines += ["## Symbols", "", *_rows(note.symbols, ("symbol", "meaning")), ""]
    for paragraph in note.other:
        lines += [paragraph, ""]
    return "\n".join(lines).rstrip() + "\n"
