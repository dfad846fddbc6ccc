"""The health release's note for the recipient (``README.md`` beside the tables).

It names each table and what a row counts, the codes, how children were classified, the
disclosure rules of the profile (its own description from ``pipeline/config/profiles.toml``)
and the symbols, how the weight categories are laid out (``layout``: the mutually exclusive
categories in one file, the combined ones in another, so no column adds up to more than the
children measured) and why a total can be suppressed beside published parts. It gives no
count of its own: every number about children is in the tables, under the profile's rules.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from importlib.metadata import version

import duckdb

from disclosure import Profile
from pipeline.health.classification import CATEGORY_LABELS
from pipeline.health.plausibility import NCMP_LIMITS, PlausibilityLimits
from pipeline.profiles import available_profiles
from pipeline.release.note import (
    NOTE_FILE,
    NoteTable,
    Reconciliation,
    ReleaseNote,
    render_note,
)
from pipeline.release.published import ReleaseTable
from pipeline.release.rates import CI_LOWER, CI_UPPER, NOT_APPLICABLE, PERCENTAGE
from pipeline.releases.ccg_health.layout import COMBINED, COMBINED_SUFFIX, EXCLUSIVE
from pipeline.releases.ccg_health.publication import MEASURE, WARD_LABEL
from pipeline.releases.ccg_health.tables import (
    QUINTILES,
    TABLE_DESCRIPTIONS,
    WARD_TABLE,
)
from pipeline.releases.ccg_health.wards import UNNAMED
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
    reconciliation: Reconciliation | None = None,
) -> str:
    """The recipient's note for a health release of ``tables`` (their names) as Markdown,
    with ``reconciliation`` (:func:`measurement_reconciliation`) when given."""
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
    files = []
    for name in tables:
        where = _sentence(TABLE_DESCRIPTIONS.get(name, name))
        files += [
            NoteTable(
                f"{name}.csv",
                f"{where} The mutually exclusive weight categories "
                f"({', '.join(EXCLUSIVE[:-1])}), which add up to category Total.",
            ),
            NoteTable(
                f"{name}{COMBINED_SUFFIX}.csv",
                f"{where} The combined categories ({' and '.join(COMBINED)}), each a sum "
                f"of categories of `{name}.csv`; not to be added to each other.",
            ),
        ]
    codes = [
        ("school_year R", "Reception (age 4-5)"),
        ("school_year 6", "Year 6 (age 10-11)"),
        ("sex F, M", "female, male (as recorded on the school census)"),
        *[(f"category {code}", CATEGORY_LABELS[code]) for code in (*EXCLUSIVE, *COMBINED)],
        (
            f"idaci_quintile {QUINTILES[0]}-{QUINTILES[-1]}",
            "fifths of the borough's LSOAs by IDACI score, Q1 the most deprived",
        ),
        ("Total", "all codes of that column together (listed after them)"),
    ]
    columns = [
        (
            MEASURE,
            "children measured and classified with these codes (category Total: all of "
            "them, the denominator)",
        ),
        (
            PERCENTAGE,
            "the count as a percentage of the category Total with the same codes (in the "
            "file without `_combined`)",
        ),
        (CI_LOWER, "lower end of the 95% confidence interval of the percentage"),
        (CI_UPPER, "upper end of the 95% confidence interval of the percentage"),
    ]
    symbols = [
        (
            profile.symbol,
            f"suppressed: a count of 1 to {profile.threshold - 1}, or one hidden so that "
            "none of those can be worked out (see the rules above and the last section)",
        ),
        (
            NOT_APPLICABLE,
            "not applicable: a percentage of the denominator itself, or of a group with "
            "no children",
        ),
        ("0", "no children (a true zero)"),
    ]
    if WARD_TABLE in tables:
        codes.insert(0, ("ward", "ONS code of the child's home ward; ward_name beside it"))
        columns.insert(0, (WARD_LABEL.column, WARD_LABEL.description))
        symbols.append((UNNAMED, f"in `{WARD_LABEL.column}`: the ward is not in the lookup"))
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
        columns=tuple(columns),
        codes=tuple(codes),
        rules=tuple(rules),
        symbols=tuple(symbols),
        reconciliation=reconciliation,
        other=(
            "Every table shares its Total rows with the LA table, and the rows of each table "
            "add up to its totals before rounding; manifest.json lists each table's "
            "dimensions, the code hierarchy and the sha256 of every file.",
        ),
        sections=(
            ("How the weight categories are laid out", _layout_paragraphs()),
            (
                f"Why a total can be `{profile.symbol}` beside published parts",
                _hidden_total_paragraphs(profile),
            ),
        ),
    )
    return render_note(note)


def _layout_paragraphs() -> tuple[str, ...]:
    """Why the categories are in two files per table, and in what order."""
    return (
        "Each child is in exactly one of the categories "
        + ", ".join(f"`{c}`" for c in EXCLUSIVE[:-1])
        + ": these are in the file without `_combined`, with their total (category `Total`, "
        "all children measured), so its counts add up to the Total and its percentages to "
        "about 100% (up to rounding). NCMP also reports combined categories that contain "
        "some of those: `obesity` (obesity_not_severe + severe_obesity) and "
        "`overweight_or_obesity` (overweight + obesity). They are in the `_combined` file, "
        "apart, because a column holding a category beside one that contains it adds up to "
        "more than the children measured. The two combined categories contain each other "
        "(obesity is part of overweight_or_obesity): never add them.",
        "Rows are in NCMP's order of categories (underweight, healthy weight, overweight, "
        "obesity, severe obesity, overweight or obesity), Reception before Year 6, and every "
        "column's codes before its Total.",
    )


def _hidden_total_paragraphs(profile: Profile) -> tuple[str, ...]:
    """Why a total can be suppressed while the counts it is made of are shown."""
    symbol = profile.symbol
    small = f"1 to {profile.threshold - 1}"
    paragraphs = [
        f"`{symbol}` does not only mean {small}. A total shown as `{symbol}` beside "
        "published counts it is made of has one of these reasons:",
        f"- the total itself is {small}: the counts it is made of are then 0 (published as "
        f"0) or `{symbol}`;\n"
        f"- secondary suppression: a count of {profile.threshold} or more is hidden as well "
        f"when, left visible, it would let someone work a count of {small} out by "
        "subtraction. A total of one table is a cell of another (a ward's total is also one "
        "of the ward figures that add up to the LA's; the LA's total by school year is also "
        "a part of its total over both years), so the figure chosen to hide may be a total.",
    ]
    if profile.rounding_base:
        paragraphs[-1] += (
            f"\n- rounding: every count is rounded to the nearest {profile.rounding_base} on "
            "its own, so showing every part does not give a hidden total away (their sum can "
            f"differ from the true total by up to {profile.rounding_base // 2} per part); the "
            "protection may therefore hide a total and show all of its parts."
        )
        paragraphs.append(
            f"Do not fill a `{symbol}` in with the sum of the published parts: it is not the "
            "hidden figure, and it can differ from the rounded total even where that is shown."
        )
    return tuple(paragraphs)


def measurement_reconciliation(profile: Profile) -> Reconciliation:
    """How the tables' total follows from the measurements, in words: the figures between
    them (measurements held back, opt-outs) are not published, because comparing two
    releases they would show that a child who changed between them had an implausible
    measurement or an opt-out (an attribute the tables do not show)."""
    return Reconciliation(
        lines=(),
        paragraphs=(
            "The category `Total` of the LA table (all school years, both sexes) is every "
            "child counted: the measurements of the academic year of children on roll at the "
            "census (single or main registration), less children with a research opt-out in "
            "force on any day from the census to the end of the academic year, less "
            "measurements held back as implausible. Every other table has the same Total; "
            "under this profile it is shown "
            + (
                f"rounded to the nearest {profile.rounding_base}."
                if profile.rounding_base
                else "as it is."
            ),
            "How many measurements were held back, and how many children were left out by "
            "an opt-out, is not published: comparing two releases, those numbers could show "
            "that a child who changed between them had an implausible measurement or an "
            "opt-out. The council's run summary records them for its own staff.",
        ),
        unit="children",
    )


def documents(
    con: duckdb.DuckDBPyConnection,
    counted: Counted,
    profile: Profile,
    published: Sequence[ReleaseTable],
) -> dict[str, str]:
    """The recipient's note, as ``README.md`` beside the tables (its reconciliation is in
    words only, so it needs neither the store nor the tables as ``published``)."""
    detail = counted.detail
    note = health_note(
        academic_year=detail.academic_year,
        census_date=detail.census_date,
        reference_date=counted.reference_date,
        profile=profile,
        tables=[t.name for t in detail.tables],
        reconciliation=measurement_reconciliation(profile),
    )
    return {NOTE_FILE: note}
