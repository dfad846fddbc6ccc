"""The identifier guard refuses identifying columns and identifier-shaped values."""

from __future__ import annotations

import polars as pl
import pytest

from pipeline.release.guard import refuse_identifiers
from schema.errors import ReleaseRefused


def test_published_counts_pass() -> None:
    refuse_identifiers(
        pl.DataFrame(
            {
                "school": ["Total", "primary", "3592001"],
                "fsm": ["Y", "N", "Total"],
                "pupils": ["12", "c", "0"],
            }
        ),
        "funding_fsm",
    )


@pytest.mark.parametrize(
    "column",
    ["upn", "UPN", "postcode", "date_of_birth", "forename", "legal_surname", "dob", "name"],
)
def test_identifying_columns_are_refused(column: str) -> None:
    with pytest.raises(ReleaseRefused, match=column):
        refuse_identifiers(pl.DataFrame({column: ["x"], "pupils": ["3"]}), "t")


@pytest.mark.parametrize(
    ("value", "kind"),
    [
        ("B801200005001", "UPN"),
        ("WN1 1AA", "postcode"),
        ("ZZ99 3CZ", "postcode"),
        ("2014-03-02", "date"),
    ],
)
def test_identifier_shaped_values_are_refused(value: str, kind: str) -> None:
    with pytest.raises(ReleaseRefused, match=kind):
        refuse_identifiers(pl.DataFrame({"school": ["Total", value], "pupils": ["5", "3"]}), "t")
