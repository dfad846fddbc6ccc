"""The health release's note for the recipient (``README.md`` beside the tables).

It names each table and what a row counts, the codes, how children were classified, the
disclosure rules of the profile (its own description from ``pipeline/config/profiles.toml``)
and the symbols. It gives no count of its own: every number about children is in the tables,
under the profile's rules.
"""

from __future__ import annotations

from datetime import date
from importlib.metadata import version

import duckdb

from disclosure import Profile
from pipeline.health.classification import CATEGORY_LABELS
from pipeline.health.plausibility import NCMP_LIMITS, PlausibilityLimits
from pipeline.profiles import available_profiles
from pipeline.release.note import NOTE_FILE, NoteTable, ReleaseNote, render_note
from pipeline.release.rates import CI_LOWER, CI_UPPER, NOT_APPLICABLE, PERCENTAGE
from pipeline.releases.ccg_health.publication import MEASURE
from pipeline.releases.ccg_health.tables import QUINTILES, TABLE_DESCRIPTIONS
from pipeline.releases.spec import Counted


def _sentence(text: str) -> str:
    """``text`` with its first letter in capitals and a full stop."""
    return text[:1].upper() + text[1:] + "."


def health_note(
    *,
    academic_year: str,
    census_date: date,
    reference_date: date,
    profile: Profile,
    tables: list[str],
    limits: PlausibilityLimits = NCMP_LIMITS,
) -> str:
    """The recipient's note for a health release of ``tables`` (their names) as Markdown."""
    description = str(available_profiles().get(profile.name, {}).get("description", ""))
    rules = [
        f"Release profile `{profile.name}`: {' '.join(description.split())}".rstrip(),
        f"Counts of 1 to {profile.threshold - 1} are shown as `{profile.symbol}`"
        + (
            f"; every other count is rounded to the nearest {profile.rounding_base} "
            "(halves rounded up); 0 is shown as 0."
            if profile.rounding_base
            else "; every other count is shown as it is."
        ),
        f"Some further counts are shown as `{profile.symbol}` (secondary suppression) so that "
        "no suppressed count can be worked out, or narrowed to between 1 and "
        f"{profile.threshold - 1}, from the totals and subtotals of all tables of this release "
        "taken together. An attacker's audit over every table together confirmed it before "
        "release (manifest.json, `audit`).",
        "Percentages are recalculated from the published (rounded) count and denominator, to "
        "one decimal place, with 95% Wilson score confidence intervals, as NHS England's "
        "National Child Measurement Programme does; they are suppressed with their intervals "
        f"when either figure is `{profile.symbol}`.",
        "No means are published (a mean over 1 to 7 children would be suppressed under the "
        "same rule).",
    ]
    files = [
        NoteTable(f"{name}.csv", _sentence(TABLE_DESCRIPTIONS.get(name, name))) for name in tables
    ]
    codes = [
        ("school_year R", "Reception (age 4-5)"),
        ("school_year 6", "Year 6 (age 10-11)"),
        ("sex F, M", "female, male (as recorded on the school census)"),
        *[(f"category {code}", label) for code, label in CATEGORY_LABELS.items()],
        (
            f"idaci_quintile {QUINTILES[0]}-{QUINTILES[-1]}",
            "fifths of the borough's LSOAs by IDACI score, Q1 the most deprived",
        ),
        ("Total", "all codes of that column together"),
    ]
    about = (
        f"Child measurements (height and weight, National Child Measurement Programme) of "
        f"Reception and Year 6 pupils in academic year {academic_year}, measured up to "
        f"{reference_date.isoformat()}, with the characteristics they had on the "
        f"{census_date.isoformat()} school census. Children with a research opt-out in force "
        "on any day from the census date to the end of the academic year are not counted. "
        "Each child's BMI is "
        "classified by its centile on the UK90 BMI reference for exact age and sex "
        f"(rcpchgrowth {version('rcpchgrowth')}, RCPCH). A measurement whose BMI z-score is "
        f"below {limits.lowest_bmi_sds:g} or above +{limits.highest_bmi_sds:g} (NCMP's extreme "
        "values) is held back for the council to confirm and is not counted."
    )
    note = ReleaseNote(
        title=f"Child weight statistics (NCMP), academic year {academic_year}",
        reference_date=reference_date,
        about=about,
        tables=tuple(files),
        columns=(
            (
                MEASURE,
                "children measured and classified with these codes (category Total: all of "
                "them, the denominator)",
            ),
            (PERCENTAGE, "the count as a percentage of the category Total with the same codes"),
            (CI_LOWER, "lower end of the 95% confidence interval of the percentage"),
            (CI_UPPER, "upper end of the 95% confidence interval of the percentage"),
        ),
        codes=tuple(codes),
        rules=tuple(rules),
        symbols=(
            (profile.symbol, "suppressed (see the rules above)"),
            (
                NOT_APPLICABLE,
                "not applicable: a percentage of the denominator itself, or of a group with "
                "no children",
            ),
            ("0", "no children (a true zero)"),
        ),
        other=(
            "Every table shares its Total rows with the LA table, and the rows of each table "
            "add up to its totals before rounding; manifest.json lists each table's "
            "dimensions, the code hierarchy and the sha256 of every file.",
        ),
    )
    return render_note(note)


def documents(con: duckdb.DuckDBPyConnection, counted: Counted, profile: Profile) -> dict[str, str]:
    """The recipient's note, as ``README.md`` beside the tables."""
    detail = counted.detail
    note = health_note(
        academic_year=detail.academic_year,
        census_date=detail.census_date,
        reference_date=counted.reference_date,
        profile=profile,
        tables=[t.name for t in detail.tables],
    )
    return {NOTE_FILE: note}
