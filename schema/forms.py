"""The forms a free-text input value must have before it may reach an output.

A school name, a ward name, an ONS code, a postcode or a pupil's name travels from an input
file into releases (``schools.csv``, ward tables), the Youth Support Services share and
subject access bundles, where a spreadsheet would evaluate a value starting with ``=``,
``+``, ``-``, ``@``, a tab or a carriage return as a formula (OWASP, CSV injection). Each
such column of the schema (``schema.inputs``) names its form here; the expectation suites
quarantine a row whose value does not have it (the form's ``reason``), and a correction
typed on the command line is refused the same way (``schema.values``).

Every pattern is anchored with ``\\A`` and ``\\Z`` (``$`` would also accept a trailing
newline) and starts with a letter or digit, so no value of any form can start a formula or
hold a control character; free text (names, plain text) is bounded in length, so a
10,000-character "name" is quarantined rather than stretched across every output.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class TextForm:
    """A named form of text: the check a value fails (``reason``) and its pattern."""

    reason: str
    """The quarantine reason (and the check named on the command line) of a value without
    this form."""
    pattern: str
    """A Python regular expression a whole value must match (``re.search`` with anchors)."""
    description: str
    """The form in words, for messages and Data Docs."""

    def matches(self, text: str) -> bool:
        """Whether ``text`` (exactly as delivered) has this form."""
        return re.search(self.pattern, text) is not None


_LETTER = r"[^\W\d_]"
"""One letter of any alphabet (accented letters included), no digit or underscore."""
_LETTER_OR_DIGIT = r"[^\W_]"

PLAIN_TEXT = TextForm(
    reason="not_plain_text",
    pattern=rf"\A{_LETTER_OR_DIGIT}(?:{_LETTER_OR_DIGIT}|[ .,'’&()/:!?\"-]){{0,199}}\Z",
    description=(
        "plain text: letters, digits, spaces and ordinary punctuation (. , ' & ( ) / : ! ? \" -),"
        " starting with a letter or digit, at most 200 characters"
    ),
)
"""School and ward names, document references."""

ONS_CODE = TextForm(
    reason="not_an_ons_code",
    pattern=r"\A[A-Z][0-9]{8}\Z",
    description="an ONS (GSS) code: a capital letter and 8 digits, e.g. E05000001",
)
"""Ward (``E05``...) and LSOA (``E01``...) codes."""

POSTCODE = TextForm(
    reason="not_a_postcode",
    pattern=r"\A(?:[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2}|GIR ?0AA)\Z",
    description="a UK postcode in capitals: outward code, optional space, inward code (WN1 1AA)",
)

PERSON_NAME = TextForm(
    reason="not_a_name",
    pattern=rf"\A{_LETTER}(?:{_LETTER}|[ '’-]){{0,99}}\Z",
    description=(
        "a name: letters (accents included), spaces, hyphens and apostrophes, at most 100"
        " characters"
    ),
)

URN = TextForm(
    reason="not_a_urn",
    pattern=r"\A[0-9]{6}\Z",
    description="a unique reference number (URN): 6 digits, e.g. 100001",
)
"""A school's URN, printed beside its LAESTAB in releases and the Youth Support Services share."""

ACADEMIC_YEAR = TextForm(
    reason="not_an_academic_year",
    pattern=r"\A[0-9]{4}/[0-9]{2}\Z",
    description="an academic year: 4 digits, a slash and 2 digits, e.g. 2025/26",
)
"""The academic year of a row of results, absence or measurements (the period of releases)."""

FORMS: tuple[TextForm, ...] = (PLAIN_TEXT, ONS_CODE, POSTCODE, PERSON_NAME, URN, ACADEMIC_YEAR)
"""Every form; their reasons are quarantine reasons (``expectations.reasons``)."""
