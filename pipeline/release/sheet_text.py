"""Text a release's spreadsheet can hold as the text it is.

``gptables`` (``pipeline.release.spreadsheet``) reads some text of a table's cells as its own
markup, whatever the workbook's options: ``[shown](address)`` becomes a live hyperlink,
``$$name$$`` a note marker, and a cell of nothing but symbols (``","``, ``-``) stops the
whole workbook with a ``ValueError``, as the GSS guidance reserves such cells for shorthand.
A code or a place name with that shape cannot come from a checked input (``schema.forms``
allows no brackets, dollar signs or leading symbol), so one that reached the store another
way is refused here in one line, naming the table, column and value, rather than written as
a link or crashing the release.
"""

from __future__ import annotations

import re

from schema.errors import PupilstatsError

_LINK = re.compile(r"\[.+\]\(.+\)", re.DOTALL)
"""gptables' own pattern of a link (``[shown](address)``)."""
_NOTE = re.compile(r"\$\$.*?\$\$", re.DOTALL)
_SYMBOLS_ONLY = re.compile(r"[^a-zA-Z0-9]*")
"""gptables' test of a cell it refuses (no ASCII letter or digit)."""


def sheet_refusal(text: str) -> str | None:
    """Why the spreadsheet cannot hold ``text`` as text, or ``None`` when it can."""
    if _LINK.search(text):
        return "gptables would write it as a hyperlink"
    if _NOTE.search(text):
        return "gptables would read it as a note marker"
    if _SYMBOLS_ONLY.fullmatch(text):
        return "it has no letter or digit, which a spreadsheet reads as a symbol"
    return None


def check_sheet_text(table: str, column: str, values: list[str]) -> None:
    """Refuse in one line the first of ``values`` the spreadsheet cannot hold as text."""
    for value in values:
        why = sheet_refusal(value)
        if why is not None:
            raise PupilstatsError(
                f"{table}: {column} {value!r} cannot be written to release.xlsx ({why}); it "
                "cannot come from a checked input: correct it in the store and run again"
            )
