"""The documents published beside the performance tables: the schools lookup and a README.

``schools.csv`` is the public establishment lookup (LAESTAB, URN, name, phase) of the schools
the release has rows for, so readers (and the dashboard) can name them; it holds no pupil
data. ``README.md`` is the reader's note under the headings every note has
(``pipeline.release.note``): who is counted, the tables, columns, codes, rules, symbols, and
how each cohort reconciles with the delivered records (:func:`cohort_reconciliation`).

The reconciliation, per academic year and measure: the year's records (results, or absence
enrolments with a possible session) of pupils with no research opt-out in force at the
year's autumn census, less those whose pupil is not on roll at that census (single or main
registration), equals the cohort, the LA ``Total`` of every table of that measure and year.
Opted-out pupils are in none of its figures, so their number is not published
(``pupils.Exclusions``; the run summary gives it to the council's staff). Its figures are
shown under the release's rules (``pipeline.release.reconciliation``); the cohort is the
tables' own total where they publish it, and where they hide it the whole line is hidden.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import duckdb
import polars as pl

from disclosure import Profile
from pipeline.release.note import NoteTable, Reconciliation, ReleaseNote, render_note
from pipeline.release.published import ReleaseTable
from pipeline.release.rates import CI_LOWER, CI_UPPER, PERCENTAGE
from pipeline.release.reconciliation import Line, protected_lines, shown_figure
from pipeline.releases.nightly_performance.means import NOT_APPLICABLE
from pipeline.releases.nightly_performance.measures import (
    ACADEMIC_YEAR,
    BREAKDOWNS,
    FAMILIES,
    OUTCOME,
    SCHOOL,
    TOTAL,
)
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


RECONCILIATION_HEADING = (
    "academic year",
    "measure",
    "records of pupils without a research opt-out",
    "less: pupil not on roll at the autumn census",
    "= the cohort (`Total` of the measure's tables)",
)


def cohort_shown(population: Population, published: Sequence[ReleaseTable]) -> str:
    """The population's cohort (LA ``Total``) as its first count table publishes it."""
    breakdown = population.breakdowns[0]
    name = f"{population.family.counts_table}_{breakdown.name}"
    (table,) = [t for t in published if t.name == name]
    codes = {
        ACADEMIC_YEAR: population.academic_year,
        SCHOOL: TOTAL,
        breakdown.name: TOTAL,
        OUTCOME: TOTAL,
    }
    return shown_figure(table, codes)


def cohort_reconciliation(
    populations: Sequence[Population], published: Sequence[ReleaseTable], profile: Profile
) -> Reconciliation:
    """Per academic year and measure, from the delivered records to the cohort (module
    docstring), each line's figures shown under ``profile``."""
    order = {f.name: i for i, f in enumerate(FAMILIES)}
    rows = [RECONCILIATION_HEADING]
    for population in sorted(populations, key=lambda p: (p.academic_year, order[p.family.name])):
        counted = population.exclusions.counted
        elsewhere = population.exclusions.not_on_census_eligible
        shown = cohort_shown(population, published)
        if shown == profile.symbol:
            figures = [profile.symbol] * 3
        elif shown != str(counted):
            raise RuntimeError(
                f"{population.key}: {counted} pupils counted but the tables publish {shown}"
            )
        else:
            lines = [
                Line("records", "records", None, counted + elsewhere),
                Line("elsewhere", "not on roll", "records", elsewhere),
                Line("cohort", "cohort", "records", counted, fixed=True),
            ]
            figures = [figure for _, figure in protected_lines(lines, profile)]
        rows.append((population.academic_year, population.family.cohort, *figures))
    return Reconciliation(
        lines=(),
        grid=tuple(rows),
        labels=2,
        paragraphs=(
            "A record is a result (KS2, KS4) or an absence enrolment with at least one "
            "possible session, delivered for that academic year. A pupil is counted in a year "
            "only if on roll at its autumn census (single or main registration), where their "
            "characteristics are read. Records of pupils with a research opt-out in force at "
            "that census are in none of these figures, and how many there are is not "
            "published (the opt-out covers statistics about them).",
            f"These figures follow the tables' rules: a figure of 1 to {profile.threshold - 1} "
            f"is shown as `{profile.symbol}`, and so is any figure that would let it be worked "
            "out from the others (records less those not on roll = the cohort).",
        ),
    )


def readme(
    populations: Sequence[Population],
    profile: Profile,
    reference_date: date,
    published: Sequence[ReleaseTable] | None = None,
) -> str:
    """Who is counted, the tables, columns, codes, rules and symbols of the release, and
    (given the tables as ``published``) how each cohort reconciles with the records, under
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
        reconciliation=None
        if published is None
        else cohort_reconciliation(populations, published, profile),
    )
    return render_note(note)


def documents(
    con: duckdb.DuckDBPyConnection,
    counted: Counted,
    profile: Profile,
    published: Sequence[ReleaseTable],
) -> dict[str, str]:
    """The schools lookup (names of the counted schools) and the README beside the tables
    as ``published``."""
    populations = counted.detail
    return {
        SCHOOLS_DOCUMENT: schools_csv(con, populations),
        README_DOCUMENT: readme(populations, profile, counted.reference_date, published),
    }
