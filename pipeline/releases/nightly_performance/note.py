"""The documents published beside the performance tables: the schools lookup and a README.

``schools.csv`` is the public establishment lookup (LAESTAB, URN, name, phase) of the schools
the release has rows for, so readers (and the dashboard) can name them; it holds no pupil
data. ``README.md`` is the reader's note under the headings every note has
(``pipeline.release.note``): who is counted, the tables, columns, codes, rules, symbols.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import duckdb
import polars as pl

from disclosure import Profile
from pipeline.release.note import NoteTable, ReleaseNote, render_note
from pipeline.release.rates import CI_LOWER, CI_UPPER, PERCENTAGE
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


def readme(populations: Sequence[Population], profile: Profile, reference_date: date) -> str:
    """Who is counted, the tables, columns, codes, rules and symbols of the release, under
    the headings every reader's note has (``pipeline.release.note``)."""
    years = sorted({p.academic_year for p in populations})
    files = []
    for family in FAMILIES:
        files.append(
            NoteTable(
                f"{family.counts_table}_<breakdown>.csv",
                f"{family.outcome_title} ({family.unit}): per academic year, school (and LA "
                "`Total`) and breakdown, the cohort (outcome `Total`) and how many met the "
                "measure (`met`) or not (`not_met`), with the percentage of the cohort.",
            )
        )
        if family.means:
            means = "; ".join(f"`{m.column}`: {m.description}" for m in family.means)
            files.append(
                NoteTable(
                    f"{family.means_table}_<breakdown>.csv",
                    f"{means}; beside the cohort they are computed over.",
                )
            )
    columns = (
        ("academic_year", "the academic year (one row set per year; years are never summed)"),
        ("school", "the school (LAESTAB; names in `schools.csv`), or `Total` for the LA"),
        ("outcome", "`met`, `not_met`, or `Total` (the cohort)"),
        (
            "pupils",
            "pupils counted with these codes (enrolments for absence); "
            "in a means table, the cohort the means are over",
        ),
        (PERCENTAGE, "the count as a percentage of its cohort (outcome `Total`)"),
        (CI_LOWER, "lower end of the 95% Wilson score interval of the percentage"),
        (CI_UPPER, "upper end of the 95% Wilson score interval of the percentage"),
    )
    codes = (
        *[
            (
                f"{b.name} {', '.join(b.codes)}",
                f"{b.title} ({'by school and LA' if b.by_school else 'LA only'})",
            )
            for b in BREAKDOWNS
        ],
        ("Total", "all codes of that column together"),
    )
    rules = (
        f"Counts of 1 to {profile.threshold - 1} are suppressed as `{profile.symbol}`, and "
        "so is whatever would let them be worked out from the other figures of every table "
        "of the release taken together (an attacker's audit confirmed it before release).",
        f"By school, the results of cohorts under {ACCOUNTABILITY_MINIMUM_COHORT} are not "
        "published (the accountability limit).",
        *[line.strip() for line in rule_lines(profile)],
        "Percentages are computed from the published counts; means from pupil records and "
        "published only beside a published cohort (a mean over fewer than "
        f"{profile.threshold} pupils with a value suppresses its cohort too).",
    )
    about = (
        f"Academic years {', '.join(years)}. Pupils are counted in a year when they have a "
        "KS2 result, a KS4 result or an absence record of that year and are on roll at the "
        "year's autumn census; a pupil with a research opt-out in force at that census is in "
        "no figure of the year."
    )
    note = ReleaseNote(
        title="School performance statistics",
        reference_date=reference_date,
        about=about,
        tables=tuple(files),
        columns=columns,
        codes=codes,
        rules=rules,
        symbols=(
            (profile.symbol, "suppressed (confidential): see the rules above"),
            (NOT_APPLICABLE, "not applicable (an empty cohort)"),
        ),
        other=(
            f"`{SCHOOLS_DOCUMENT}` names every school of the release (LAESTAB, URN, name, "
            "phase). manifest.json lists each table's dimensions with every code's parent, the "
            "profile, the audit's verdict and the sha256 of every file.",
        ),
    )
    return render_note(note)


def documents(con: duckdb.DuckDBPyConnection, counted: Counted, profile: Profile) -> dict[str, str]:
    """The schools lookup (names of the counted schools) and the README beside the tables."""
    populations = counted.detail
    return {
        SCHOOLS_DOCUMENT: schools_csv(con, populations),
        README_DOCUMENT: readme(populations, profile, counted.reference_date),
    }
