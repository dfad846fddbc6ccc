"""What a release's reader formats need beyond its tables: the release's title, reference
date, suppression symbol, population and rules in words, and the places its rows name.

The EES open-data files (``pipeline.release.open_data``) and the spreadsheet
(``pipeline.release.spreadsheet``) are both built from the release's published tables and
this context only, so every figure they hold is a published cell.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from disclosure import Profile
from pipeline.release.places import Places


@dataclass(frozen=True)
class ReleaseContext:
    """The release as a whole, for its readers (no figure in it)."""

    title: str
    reference_date: date
    symbol: str
    """The profile's suppression symbol, as the release's CSVs show a suppressed cell."""
    places: Places
    about: str = ""
    """Who is counted and who is left out, in words."""
    rules: tuple[str, ...] = field(default=())
    """The protection rules applied, in words (the spreadsheet's notes)."""


def profile_rules(profile: Profile) -> tuple[str, ...]:
    """The profile's rules in words, as a reader needs them (no figure of the data)."""
    rules = []
    if profile.rounding_base:
        rules.append(
            f"Counts are rounded to the nearest {profile.rounding_base}; counts of 1 to "
            f"{profile.threshold - 1} are suppressed; 0 stays 0."
        )
    else:
        rules.append(
            f"Counts of 1 to {profile.threshold - 1} are suppressed, and so is any cell "
            "that would let them be worked out (secondary suppression)."
        )
    if profile.min_denominator is not None:
        rules.append(
            f"Percentages of a group of 1 to {profile.min_denominator - 1} are not published."
        )
    if profile.group_attribute_max_total is not None:
        rules.append(
            f"In a group of up to {profile.group_attribute_max_total} where all or none share "
            "an outcome, the outcome is suppressed (group attribute disclosure)."
        )
    rules.append(
        "Before release, every suppressed cell was checked as an attacker would: no "
        "suppressed figure can be worked out from the published ones."
    )
    return tuple(rules)
