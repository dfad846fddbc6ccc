"""Published cells as the page shows them: a number with its kind, or a symbol.

Every figure on the page keeps its kind (``count``, ``percentage``, ``mean``, ...) so the
HTML can mark count cells (``data-kind="count"``) and a reader, or a test, can tell a count
of pupils from a percentage or an average.
"""

from __future__ import annotations

from dataclasses import dataclass

COUNT = "count"
PERCENTAGE = "percentage"
RATE_KINDS: frozenset[str] = frozenset({"percentage", "mean", "rate", "average"})
"""Kinds of column that are a headline measure in themselves (not counts of pupils)."""
INTERVAL_KINDS: frozenset[str] = frozenset({"ci_lower", "ci_upper"})

SYMBOL_MEANINGS: dict[str, str] = {
    "c": "confidential: suppressed to protect pupils (a small number, or a figure that would "
    "let a suppressed one be worked out)",
    "*": "suppressed to protect pupils (a small number, or a figure that would let a "
    "suppressed one be worked out)",
    "z": "not applicable (for example a percentage of no pupils, or a KS4 figure of a "
    "primary school)",
    "x": "not available",
    "u": "low reliability",
    "low": "a small number, shown as 'low' rather than its value",
    ":": "not available",
    "..": "not available",
}
"""GSS symbols for statistical tables (Government Analysis Function, *Symbols, suppression
and rounding*) and the NHS suppression mark; the profile's own symbol comes first."""


@dataclass(frozen=True)
class Value:
    """One figure as published: ``number`` when it is one, else the ``symbol`` shown."""

    text: str
    kind: str
    number: float | None
    symbol: str | None = None

    @property
    def is_count(self) -> bool:
        return self.kind == COUNT

    @property
    def display(self) -> str:
        """The text shown: counts with thousands separators, percentages and rates (per cent
        of possible sessions, for absence) with ``%``."""
        if self.number is None:
            return self.symbol or self.text
        if self.kind == COUNT and self.number == int(self.number):
            return f"{int(self.number):,}"
        if self.kind in (PERCENTAGE, "rate", "ci_lower", "ci_upper"):
            return f"{self.text}%"
        return self.text


MISSING = Value(text="", kind="", number=None, symbol="")


def published(text: str | None, kind: str) -> Value:
    """The published cell ``text`` read as a number of ``kind``, or kept as a symbol."""
    if text is None:
        return Value(text="", kind=kind, number=None, symbol="")
    stripped = text.strip()
    try:
        number = float(stripped)
    except ValueError:
        return Value(text=stripped, kind=kind, number=None, symbol=stripped)
    return Value(text=stripped, kind=kind, number=number)
