"""A short note for a release's recipient: what each table holds, the rules, the symbols.

The note is Markdown written beside the tables as ``README.md`` (``write_release(...,
documents=...)``) and listed in the manifest with its sha256. It says only what anyone could
read from the release and its profile: no true value, no count of suppressed cells by value.
A reconciliation of the release's total with its source (:class:`Reconciliation`) holds only
LA-level figures published under the release's own rules
(``pipeline.release.reconciliation``).

Every note has the same headings, in this order (:data:`HEADINGS`): who is counted, tables,
columns, codes, rules applied, symbols, then how the totals reconcile with the source (when
the release has a reconciliation) and any further sections of its own.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

NOTE_FILE = "README.md"
WHO = "Who is counted"
TABLES = "Tables"
COLUMNS = "Columns"
CODES = "Codes"
RULES = "Rules applied"
SYMBOLS = "Symbols"
RECONCILIATION = "How the totals reconcile with the source"
HEADINGS: tuple[str, ...] = (WHO, TABLES, COLUMNS, CODES, RULES, SYMBOLS, RECONCILIATION)
"""The second-level headings every note has (the reconciliation only when there is one)."""


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
    reconciliation: Reconciliation | None = None
    """How the release's total follows from its source, when the note gives it."""
    sections: tuple[tuple[str, tuple[str, ...]], ...] = field(default=())
    """Further sections of the release's own: (heading, paragraphs)."""


@dataclass(frozen=True)
class Reconciliation:
    """Lines from the source's count to the release's total, each (what, figure as
    published: a whole number or the release's symbol), and paragraphs after them (a
    release whose steps from the source cannot be published says why in words only)."""

    lines: tuple[tuple[str, str], ...]
    paragraphs: tuple[str, ...] = ()
    unit: str = "pupils"
    """What the figures count (the heading of their column)."""
    grid: tuple[tuple[str, ...], ...] = ()
    """Several chains side by side instead of ``lines``: a heading row, then a row per
    chain (its labels, then its figures left to right, each the one before less the next
    but the last, which is what remains)."""
    labels: int = 1
    """How many columns of ``grid`` label a chain (the rest are its figures)."""


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
        f"## {WHO}",
        "",
        note.about,
        "",
        f"## {TABLES}",
        "",
        *[f"- `{t.file}`: {t.holds}" for t in note.tables],
        "",
        f"## {COLUMNS}",
        "",
        *_rows(note.columns, ("column", "meaning")),
        "",
    ]
    if note.codes:
        lines += [f"## {CODES}", "", *_rows(note.codes, ("code", "meaning")), ""]
    lines += [f"## {RULES}", "", *[f"- {r}" for r in note.rules], ""]
    lines += [f"## {SYMBOLS}", "", *_rows(note.symbols, ("symbol", "meaning")), ""]
    if note.reconciliation is not None:
        lines += [f"## {RECONCILIATION}", ""]
        if note.reconciliation.lines:
            lines += [f"| | {note.reconciliation.unit} |", "|---|---:|"]
            lines += [f"| {what} | {figure} |" for what, figure in note.reconciliation.lines]
            lines.append("")
        if note.reconciliation.grid:
            head, *rows = note.reconciliation.grid
            labels = note.reconciliation.labels
            lines += [
                "| " + " | ".join(head) + " |",
                "|" + "---|" * labels + "---:|" * (len(head) - labels),
                *["| " + " | ".join(row) + " |" for row in rows],
                "",
            ]
        for paragraph in note.reconciliation.paragraphs:
            lines += [paragraph, ""]
    for heading, paragraphs in note.sections:
        lines += [f"## {heading}", ""]
        for paragraph in paragraphs:
            lines += [paragraph, ""]
    for paragraph in note.other:
        lines += [paragraph, ""]
    return "\n".join(lines).rstrip() + "\n"
