"""The documents written beside the funding tables.

The funding round writes its tables and manifest only: the manifest describes each table's
dimensions (every code with its parent), the profile and the audit, and the analysts who run
it read the codes from the census specification. A reader's note (codes, population,
reconciliation with the census) is issue 18's work; until then there is no document.
"""

from __future__ import annotations

import duckdb

from disclosure import Profile
from pipeline.releases.spec import Counted


def documents(con: duckdb.DuckDBPyConnection, counted: Counted, profile: Profile) -> dict[str, str]:
    """No documents (module docstring)."""
    return {}
