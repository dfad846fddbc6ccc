"""The funding round's note for its reader (``README.md`` beside the tables).

It says what each table holds, who is counted and who is left out and why, what every code
means, the disclosure rules of the profile, the symbols and the reference date (the census
date), and how the LA total reconciles with the census (:func:`census_reconciliation`):
pupils on roll at the census (single or main registration: a dual-registered pupil is
counted once, at their main school), less pupils in NC years 12 and 13 (KS5: the population
leaves them out, ``population.FUNDED_NC_YEARS``, because the schools block does not fund
them), equals the LA total of every table. Subsidiary registrations are not given: between
two releases their number would show whether a pupil who changed was dual-registered. The
figures are counted in the run from the store and shown under the release's own rules
(``pipeline.release.reconciliation``).

Pupils with a research opt-out in force at the census date are in none of the figures, the
reconciliation included (it counts ``statistics_eligible_census`` only): their number is not
published, so they change no byte of the release (``tests/pipeline/test_opt_out_property.py``);
the run summary gives it to the council's staff.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import duckdb

from disclosure import Profile, Table
from pipeline.profiles import available_profiles
from pipeline.release.note import NOTE_FILE, NoteTable, Reconciliation, ReleaseNote, render_note
from pipeline.release.published import ReleaseTable
from pipeline.release.reconciliation import Line, protected_lines, shown_figure
from pipeline.releases.funding_round.population import FUNDED_NC_YEARS
from pipeline.releases.funding_round.publication import MEASURE
from pipeline.releases.funding_round.tables import CATEGORY_TOTAL, FUNDING_FACTORS, SCHOOL_TOTAL
from pipeline.releases.spec import Counted
from schema import codes

_RECONCILIATION = """
SELECT count(*) FILTER (WHERE on_roll(enrolment_status)) AS pupils,
       count(*) FILTER (WHERE on_roll(enrolment_status)
                          AND NOT list_contains($funded, nc_year)) AS not_funded,
       count(*) FILTER (WHERE on_roll(enrolment_status)
                          AND list_contains($funded, nc_year)) AS counted
FROM statistics_eligible_census
WHERE census_date = $census_date
"""
"""The census of the release counted as the funding population counts it: statistics-eligible
rows only (no pupil with a research opt-out), on roll = single or main registration."""

NOT_FUNDED_YEARS = tuple(y for y in codes.NC_YEARS if y not in FUNDED_NC_YEARS)

CODE_MEANINGS: dict[str, dict[str, str]] = {
    "key_stage": {
        "R-6": "Reception to Year 6 (NFF primary basic entitlement)",
        "KS3": "Years 7 to 9",
        "KS4": "Years 10 and 11",
    },
    "fsm": {"Y": "eligible for free school meals on census day", "N": "not eligible"},
    "fsm6": {
        "Y": "eligible for free school meals at any census in the last six years (Ever-6)",
        "N": "not eligible at any of them",
    },
    "eal": {
        "Y": "first language other than English (census codes OTH, OTB)",
        "N": "English or believed English, or not obtained (ENG, ENB, NOT)",
    },
    "sen_provision": {
        "N": "no special educational needs provision",
        "K": "SEN support",
        "E": "Education, Health and Care plan",
    },
    "idaci_band": {
        band: (
            f"IDACI score {lower:.2f} to "
            + ("1.00" if band == "A" else f"below {upper:.2f}")
            + ("; not funded (the remainder)" if band == "G" else "; funded")
        )
        for band, lower, upper in codes.IDACI_BANDS
    },
}
"""What each code of the factor columns means (``schema.codes``)."""

COLUMN_WORDS: dict[str, str] = {
    "key_stage": "the NFF basic entitlement phase of the pupil's NC year",
    "fsm": "eligible for free school meals on census day",
    "fsm6": "eligible for free school meals at any census in the last six years (Ever-6)",
    "eal": "English as an additional language (first language other than English)",
    "sen_provision": "special educational needs provision",
    "idaci_band": (
        "NFF IDACI band of the pupil's home LSOA (Income Deprivation Affecting Children "
        "Index score)"
    ),
}


def la_total(tables: list[Table]) -> int:
    """The true LA total every funding table shares (all schools, all categories)."""
    table = tables[0]
    names = [d.name for d in table.dimensions]
    totals = {SCHOOL_TOTAL, CATEGORY_TOTAL}
    row = next(r for r in table.cells.iter_rows(named=True) if all(r[n] in totals for n in names))
    return int(row["value"])


def la_total_shown(tables: list[Table], published: Sequence[ReleaseTable]) -> str:
    """The LA total as the first funding table publishes it."""
    (first,) = [t for t in published if t.name == tables[0].name]
    return shown_figure(first, {d.name: d.total for d in first.dimensions})


def census_reconciliation(
    con: duckdb.DuckDBPyConnection,
    census_date: date,
    total: int,
    profile: Profile,
    shown: str,
) -> Reconciliation:
    """From the pupils on roll at the census to the LA total (module docstring), each figure shown
    under ``profile``; ``total`` is the LA total's true value and ``shown`` what the tables
    publish for it. Where they hide it, the steps are given in words only: a figure of the
    chain would give the hidden total away."""
    (found,) = con.execute(
        _RECONCILIATION,
        {"census_date": census_date, "funded": list(FUNDED_NC_YEARS)},
    ).fetchall()
    pupils, not_funded, counted = (int(v) for v in found)
    if counted != total:
        raise RuntimeError(
            f"the census counts {counted} funded pupils but the tables' LA total is {total}"
        )
    years = " and ".join(NOT_FUNDED_YEARS)
    opt_outs = (
        "Pupils with a research opt-out in force on the census date are in none of these "
        "figures: they are left out before anything is counted, and how many there are "
        "is not published (the opt-out covers statistics about them)."
    )
    if shown != str(total):
        if shown != profile.symbol:
            raise RuntimeError(f"the tables publish the LA total {total} as {shown!r}")
        return Reconciliation(
            lines=(),
            paragraphs=(
                f"The LA total is suppressed in this release's tables (`{profile.symbol}`), "
                "so the steps to it are given in words only: pupils on roll on the census "
                "(single or main registration), less pupils in NC years "
                f"{years} (KS5), are the pupils counted.",
                opt_outs,
            ),
        )
    lines = [
        Line(
            "pupils",
            f"Pupils on roll on the {census_date.isoformat()} school census (single or main "
            "registration, status C or M: a dual-registered pupil once)",
            None,
            pupils,
        ),
        Line(
            "not_funded",
            f"less pupils in NC years {years} (KS5: funded outside the schools block)",
            "pupils",
            not_funded,
        ),
        Line(
            "counted",
            "= pupils counted: the `Total` row of every table (school `Total`, category `Total`)",
            "pupils",
            counted,
            fixed=True,
        ),
    ]
    return Reconciliation(
        lines=tuple(protected_lines(lines, profile)),
        paragraphs=(
            opt_outs,
            f"These figures follow the tables' rules: a figure of 1 to {profile.threshold - 1} "
            f"is shown as `{profile.symbol}`, and so is any figure that would let it be worked "
            "out from the others (pupils on roll less KS5 = pupils counted).",
            "Subsidiary registrations (the second school of a dual-registered pupil) are not "
            "counted, and their number is not given: comparing two releases could then show "
            "that a pupil who changed between them was dual-registered.",
        ),
    )


def _rules(profile: Profile) -> list[str]:
    description = str(available_profiles().get(profile.name, {}).get("description", ""))
    return [
        f"Release profile `{profile.name}`: {' '.join(description.split())}".rstrip(),
        f"Counts of 1 to {profile.threshold - 1} are shown as `{profile.symbol}`"
        + (
            f"; every other count is rounded to the nearest {profile.rounding_base} "
            "(halves rounded up); 0 is shown as 0."
            if profile.rounding_base
            else "; every other count, 0 included, is shown as it is."
        ),
        f"Some further counts are shown as `{profile.symbol}` (secondary suppression) so "
        "that no suppressed count can be worked out, or narrowed to a range inside 1 to "
        f"{profile.threshold - 1}, from the totals and subtotals of all six tables taken "
        "together (they share every school's roll and the LA total). An attacker's audit "
        "over every table together confirmed it before release (manifest.json, `audit`).",
        "A re-issue for the same census (after a correction or an opt-out) is protected "
        "against the releases of that census already published, so that comparing them "
        "discloses nothing about the pupils who changed beyond how many changed in a school.",
    ]


def funding_note(
    con: duckdb.DuckDBPyConnection,
    census_date: date,
    tables: list[Table],
    profile: Profile,
    published: Sequence[ReleaseTable],
) -> str:
    """The reader's note of the funding round of ``census_date`` (module docstring);
    ``published``, the tables as released, tell whether the LA total is shown."""
    school = tables[0].dimensions[0]
    phases = sorted(c for c, p in school.parents.items() if p == school.total)
    files = [
        NoteTable(
            f"{factor.table}.csv",
            f"{factor.description} (column `{factor.column}`): pupils counted in each "
            "school, each phase and the local authority as a whole.",
        )
        for factor in FUNDING_FACTORS
    ]
    code_rows = [
        (
            f"school {SCHOOL_TOTAL}",
            "the local authority as a whole (every school of the schools lookup)",
        ),
        (
            "school " + ", ".join(phases),
            "a phase: all schools of that phase together (a subtotal)",
        ),
        ("school 7 digits", "a school, by LAESTAB (LA number and DfE establishment number)"),
    ]
    for factor in FUNDING_FACTORS:
        meanings = CODE_MEANINGS.get(factor.column, {})
        code_rows += [(f"{factor.column} {c}", meanings.get(c, c)) for c in factor.categories]
    code_rows.append((CATEGORY_TOTAL, "all codes of that column together"))
    years = "-".join((FUNDED_NC_YEARS[0], FUNDED_NC_YEARS[-1]))
    about = (
        f"Pupils on the school census of {census_date.isoformat()} as the National Funding "
        "Formula counts them for the schools block: on roll with a single or main registration "
        "(a dual-registered pupil is counted once, at their main school), in National "
        f"Curriculum years {years} (Reception to Year 11). Left out: pupils in years "
        f"{' and '.join(NOT_FUNDED_YEARS)} (key stage 5), because sixth-form places are funded "
        "outside the schools block (the population, "
        "`pipeline/releases/funding_round/population.py`, keeps only `FUNDED_NC_YEARS`); and "
        "pupils with a research opt-out in force on the census date, who are in no figure of "
        "this release. Characteristics are as recorded on the census."
    )
    note = ReleaseNote(
        title=f"Funding statistics: pupil-led factors, census {census_date.isoformat()}",
        reference_date=census_date,
        about=about,
        tables=tuple(files),
        columns=(
            ("school", "the school (LAESTAB), a phase, or `Total` for the local authority"),
            *[(f.column, COLUMN_WORDS.get(f.column, f.description)) for f in FUNDING_FACTORS],
            (MEASURE, "pupils counted with these codes"),
        ),
        codes=tuple(code_rows),
        rules=tuple(_rules(profile)),
        symbols=(
            (profile.symbol, "suppressed (see the rules above)"),
            ("0", "no pupils (a true zero)"),
        ),
        other=(
            "manifest.json lists each table's dimensions with every code's parent (so the "
            "additive relations can be rebuilt), the profile, the audit's verdict and the "
            "sha256 of every file.",
        ),
        reconciliation=census_reconciliation(
            con, census_date, la_total(tables), profile, la_total_shown(tables, published)
        ),
    )
    return render_note(note)


def documents(
    con: duckdb.DuckDBPyConnection,
    counted: Counted,
    profile: Profile,
    published: Sequence[ReleaseTable],
) -> dict[str, str]:
    """The reader's note, as ``README.md`` beside the tables as published."""
    return {
        NOTE_FILE: funding_note(con, counted.reference_date, counted.detail, profile, published)
    }
