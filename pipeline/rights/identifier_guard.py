"""The identifier guard of free text: a reason typed on the command line must not name a
pupil.

Reasons (``correct``, ``erase``, ``ledger withdraw --reason``) are kept in logs that outlive
an erasure, so they may hold no personal data. The guard refuses text holding something
shaped like a UPN, a UK postcode or a date (a date of birth), whatever its case and with or
without separators: ``a359400110001x``, ``A359-4001-1000-1X``, ``ZZ13-3TR``, ``zz1 3tr``,
``11.01.2021``, ``2012-02-14``, ``14/2/12``, ``14 February 2012``.

Names cannot be recognised by their shape. Where a command knows whose records it acts on,
it also refuses text holding that pupil's surname or forename as a word, in any case
(``names_in``): "asked by Smith" is refused when the pupil is a Smith. A name that is not the
pupil's (a parent's other surname) is not caught; the commands' help says what a reason is
for, and references (``--ref``) are limited to a reference form (``REFERENCE_FORM``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_SEPARATOR = r"[ .\-/]?"
_MONTHS = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*"

IDENTIFIER_SHAPES: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "a UPN",
        re.compile(rf"\b[A-Z](?:{_SEPARATOR}[0-9]){{11}}{_SEPARATOR}[0-9A-Z]\b", re.IGNORECASE),
    ),
    (
        "a postcode",
        re.compile(r"\b[A-Z]{1,2}[0-9][A-Z0-9]?[ \-]?[0-9][A-Z]{2}\b", re.IGNORECASE),
    ),
    (
        "a date",
        re.compile(
            r"\b[0-9]{1,4}[./\- ][0-9]{1,2}[./\- ][0-9]{2,4}\b"
            rf"|\b[0-9]{{1,2}}(?:st|nd|rd|th)?[ \-]{_MONTHS}[ \-,]*[0-9]{{2,4}}\b"
            rf"|\b{_MONTHS}[ \-]+[0-9]{{1,2}}(?:st|nd|rd|th)?,?[ \-]+[0-9]{{2,4}}\b",
            re.IGNORECASE,
        ),
    ),
)
"""What the guard looks for, named for the one-line refusal."""


REFERENCE_FORM = re.compile(r"[A-Za-z0-9][A-Za-z0-9_./:#-]{0,39}")
"""A document reference: 1-40 letters, digits and ``_ . / : # -``, no spaces (``LET-1``,
``CR/000123``), so it cannot hold a sentence about the pupil."""


def names_in(text: str, names: Iterable[str]) -> bool:
    """True when ``text`` holds a part of one of ``names`` (split at spaces, hyphens and
    apostrophes; two letters or more) as a whole word, whatever its case."""
    words = {w.casefold() for name in names for w in re.split(r"[\s'-]+", name) if len(w) >= 2}
    found = {w.casefold() for w in re.findall(r"[^\W\d_]+(?:['-][^\W\d_]+)*", text)}
    parts = {p for w in found for p in re.split(r"['-]", w)}
    return bool(words & (found | parts))


def identifier_in(text: str) -> str | None:
    """The kind of identifier ``text`` holds (``"a UPN"``, ``"a postcode"``, ``"a date"``),
    or ``None``."""
    for kind, shape in IDENTIFIER_SHAPES:
        if shape.search(text):
            return kind
    return None
