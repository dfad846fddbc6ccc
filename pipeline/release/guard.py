"""The identifier guard: nothing that identifies a person may reach a statistical release.

Every table is checked twice before it is written: by its column names (any column the
input schema marks as an identifier, and common aliases of them) and by its values (text
shaped like a UPN, a postcode or a date of birth). Either finding refuses the release.

Its manifest summary is checked too: a total of the true values of hidden cells (the
protection's information loss) would give an attacker one more equation, so it is refused.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import polars as pl

from schema.errors import ReleaseRefused
from schema.inputs import IDENTIFYING_COLUMNS

IDENTIFIER_ALIASES = frozenset(
    {
        "name",
        "names",
        "surname",
        "first_name",
        "forename",
        "dob",
        "birth_date",
        "upn",
        "postcode",
        "post_code",
        "address",
        "uln",
        "nhs_number",
    }
)

_PATTERNS: dict[str, re.Pattern[str]] = {
    "UPN": re.compile(r"^[A-Z][0-9]{11}[0-9A-Z]$"),
    "postcode": re.compile(r"^[A-Z]{1,2}[0-9][0-9A-Z]?\s*[0-9][A-Z]{2}$", re.IGNORECASE),
    "date": re.compile(r"^\d{4}-\d{2}-\d{2}$|^\d{1,2}/\d{1,2}/\d{2,4}$"),
}


HIDDEN_VALUE_FIGURES = frozenset({"suppressed_value_total", "secondary_value_total", "cost"})
"""Summary figures computed from the true values of suppressed cells
(``disclosure.Protection.information_loss``): never published."""


def refuse_hidden_value_figures(summary: Mapping[str, Any], table_name: str) -> None:
    """Raise ``ReleaseRefused`` if a table's manifest summary holds a sum of hidden values."""
    leaked = sorted(HIDDEN_VALUE_FIGURES & set(summary))
    if leaked:
        raise ReleaseRefused(
            f"table {table_name!r}: summary figure(s) {', '.join(leaked)} are sums of the true "
            "values of suppressed cells and never reach a release"
        )


def refuse_identifiers(table: pl.DataFrame, table_name: str) -> None:
    """Raise ``ReleaseRefused`` if ``table`` has an identifying column or value."""
    blocked = IDENTIFYING_COLUMNS | IDENTIFIER_ALIASES
    bad_columns = sorted(c for c in table.columns if c.lower() in blocked)
    if bad_columns:
        raise ReleaseRefused(
            f"table {table_name!r} has identifying column(s) {', '.join(bad_columns)}: "
            "identifiers never reach a statistical release"
        )
    for column in table.columns:
        values = table[column].cast(pl.Utf8).drop_nulls().unique()
        for kind, pattern in _PATTERNS.items():
            hits = [v for v in values.to_list() if pattern.match(v.strip())]
            if hits:
                raise ReleaseRefused(
                    f"table {table_name!r}, column {column!r} holds a value shaped like a {kind} "
                    f"({len(hits)} such value(s)): identifiers never reach a statistical release"
                )
