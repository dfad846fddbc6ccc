"""The documents published beside the performance tables: the schools lookup and a README.

``schools.csv`` is the public establishment lookup (LAESTAB, URN, name, phase) of the schools
the release has rows for, so readers (and the dashboard) can name them; it holds no pupil
data. ``README.md`` states what each measure counts and what the symbols mean.
"""

from __future__ import annotations

from collections.abc import Sequence

import duckdb
import polars as pl

from disclosure import Profile
from pipeline.releases.nightly_performance.means import NOT_APPLICABLE
from pipeline.releases.nightly_performance.measures import BREAKDOWNS, FAMILIES
from pipeline.releases.nightly_performance.requests import ACCOUNTABILITY_MINIMUM_COHORT
from pipeline.releases.nightly_performance.tables import Population
from pipeline.releases.spec import Counted

SCHOOLS_DOCUMENT = "schools.csv"
README_DOCUMENT = "README.md"


def schools_csv(con: duckdb.DuckDBPyConnection, populations: Sequence[Population]) -> str:
    """``laestab,urn,school_name,phase`` of every school with rows in the release."""
    schools = sorted({s for p in populations for s in p.schools})
    frame = con.sql(
        "SELECT laestab, urn, school_name, phase FROM schools "
        "WHERE list_contains($schools, laestab) ORDER BY laestab",
        params={"schools": schools},
    ).pl()
    return frame.cast(pl.Utf8).write_csv(line_terminator="\n")


def rule_lines(profile: Profile) -> list[str]:
    """The profile's rules for rates and groups, in words (none when they are off)."""
    lines = []
    if profile.min_denominator is not None:
        lines.append(
            f"  Percentages of a cohort of 1 to {profile.min_denominator - 1} are not published."
        )
    if profile.group_attribute_max_total is not None:
        lines.append(
            f"  In a group of up to {profile.group_attribute_max_total} pupils where all or "
            "none reach a measure, the outcome is suppressed (group attribute disclosure)."
        )
    return lines


def readme(populations: Sequence[Population], profile: Profile) -> str:
    """Definitions, years covered, breakdowns and symbols of the release."""
    years = sorted({p.academic_year for p in populations})
    lines = [
        "# School performance statistics",
        "",
        f"Academic years: {', '.join(years)} (one row set per year; years are never summed).",
        "Pupils are counted when they are on the autumn census of the year and have no research",
        "opt-out in force at that census.",
        "",
        "## Measures",
    ]
    for family in FAMILIES:
        lines.append(
            f"- `{family.counts_table}_*`: {family.outcome_title} ({family.unit}; "
            "outcome `met` / `not_met`, `Total` = cohort; percentage of the cohort)."
        )
        for mean in family.means:
            lines.append(f"- `{family.means_table}_*` column `{mean.column}`: {mean.description}.")
    lines += ["", "## Breakdowns"]
    lines += [
        f"- `{b.name}` ({'by school and LA' if b.by_school else 'LA only'}): {b.title}; "
        f"codes {', '.join(b.codes)}, Total."
        for b in BREAKDOWNS
    ]
    lines += [
        "",
        "## Symbols",
        f"- `{profile.symbol}`: suppressed (confidential). Counts of 1 to {profile.threshold - 1}"
        " and whatever would recover them; by school, results of cohorts under "
        f"{ACCOUNTABILITY_MINIMUM_COHORT} (accountability limit); means over fewer than "
        f"{profile.threshold} pupils; percentages and means whose count or cohort is "
        "suppressed.",
        *rule_lines(profile),
        f"- `{NOT_APPLICABLE}`: not applicable (an empty cohort).",
        "",
        "Percentages are computed from the published counts; means from pupil records and "
        "published only beside a published cohort (a mean over fewer than "
        f"{profile.threshold} pupils with a value suppresses its cohort too).",
    ]
    return "\n".join(lines) + "\n"


def documents(con: duckdb.DuckDBPyConnection, counted: Counted, profile: Profile) -> dict[str, str]:
    """The schools lookup (names of the counted schools) and the README beside the tables."""
    populations = counted.detail
    return {
        SCHOOLS_DOCUMENT: schools_csv(con, populations),
        README_DOCUMENT: readme(populations, profile),
    }
