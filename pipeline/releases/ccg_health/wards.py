"""Ward names for the ward table, from the committed lookup ``data/lookups/wards.csv``.

The lookup holds ``ward_code,ward_name`` for the 25 wards of the synthetic borough that
``pupilstats generate`` and ``pupilstats demo`` draw with their default seed (7): the names are
invented (``pipeline.synthetic.geography``, ``pipeline.synthetic.names``) and
``tests/pipeline/releases/ccg_health/test_wards.py`` checks the file against the generator. A
council replaces the file with its own wards (ONS's ward code and name lookup, same two
columns). A ward of the census that is not in the lookup is published with the name ``x``
(not available) beside its code.
"""

from __future__ import annotations

import csv
from pathlib import Path

WARD_LOOKUP = Path(__file__).resolve().parents[3] / "data" / "lookups" / "wards.csv"
"""The committed lookup of ward codes and names."""
WARD_NAME = "ward_name"
UNNAMED = "x"
"""The name shown for a ward missing from the lookup (GSS symbol: not available)."""
TOTAL_NAME = "Total"
"""The name shown beside the ward code ``Total`` (all wards together)."""


def ward_names(path: Path = WARD_LOOKUP) -> dict[str, str]:
    """Ward code -> ward name, as the lookup at ``path`` lists them."""
    with path.open(newline="", encoding="utf-8") as handle:
        return {row["ward_code"]: row["ward_name"] for row in csv.DictReader(handle)}
