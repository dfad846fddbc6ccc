"""The names a person may give a person-level output (``sar --out``, ``yss-extract --out``).

A bundle's folder or an extract's file is named on the command line, and the name is then
printed, listed by ``erase`` and opened by whoever receives the share. A name holding a tab,
a carriage return, an escape sequence or a right-to-left override would make those lines lie
about what is on disk; one starting ``-`` reads as an option to the next command, one starting
``=`` as a formula where the name is pasted into a spreadsheet. So a name is 1-100 letters,
digits and ``_ . -``, starting with a letter or digit, and anything else is refused in one
line naming what is valid.
"""

from __future__ import annotations

import re

from schema.errors import PupilstatsError

SHARE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,99}")
"""A share's folder or file name (module docstring)."""


def checked_share_name(name: str, option: str) -> str:
    """``name`` when it has the form of ``SHARE_NAME``; else a one-line refusal naming
    ``option``."""
    if SHARE_NAME.fullmatch(name) is None:
        raise PupilstatsError(
            f"{option} {name!r} is not a share name: 1-100 letters, digits and _ . -, "
            "starting with a letter or digit (e.g. sar-2025-0142)"
        )
    return name
