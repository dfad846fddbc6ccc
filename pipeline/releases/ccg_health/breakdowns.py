"""Which optional breakdowns the health release publishes under a release profile.

Read from ``breakdowns.toml`` beside this module (data, not code: a commissioner's choice is
a line there). Today the only optional breakdown is the table by school.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

BREAKDOWNS_FILE = Path(__file__).with_name("breakdowns.toml")


def school_table_allowed(profile: str, path: Path = BREAKDOWNS_FILE) -> bool:
    """Whether the health release under ``profile`` includes the table by school."""
    with path.open("rb") as handle:
        choices = tomllib.load(handle)["school_table"]
    return bool(choices.get(profile, choices["default"]))
