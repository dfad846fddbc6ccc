"""The identifier guard of free text: a reason typed on the command line must not name a
pupil.

Reasons (``correct``, ``erase``, ``ledger withdraw --reason``) are kept in logs that outlive
an erasure, so they may hold no personal data. The guard refuses text holding something
shaped like a UPN, a UK postcode or a date (a date of birth), whatever its case and with or
without separators: ``a359400110001x``, ``A359-4001-1000-1X``, ``ZZ13-3TR``, ``zz1 3tr``,
``11.01.2021``, ``2012-02-14``, ``14/2/12``, ``14 February 2012``.
"""

from __future__ import annotations

import re

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


def identifier_in(text: str) -> str | None:
    """The kind of identifier ``text`` holds (``"a UPN"``, ``"a postcode"``, ``"a date"``),
    or ``None``."""
    for kind, shape in IDENTIFIER_SHAPES:
        if shape.search(text):
            return kind
    return None
