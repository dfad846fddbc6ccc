"""The recipient's note: what each table holds, the rules, the symbols, the reference date."""

from __future__ import annotations

from datetime import date

from pipeline.profiles import load_profile
from pipeline.release.note import HEADINGS, RECONCILIATION
from pipeline.releases.ccg_health.note import health_note, measurement_reconciliation


def test_the_note_names_tables_rules_symbols_and_dates() -> None:
    text = health_note(
        academic_year="2025/26",
        census_date=date(2025, 10, 2),
        reference_date=date(2026, 7, 10),
        profile=load_profile("nhs"),
        tables=["health_la", "health_ward"],
    )
    assert text.startswith("# Child weight statistics (NCMP), academic year 2025/26\n")
    assert "Reference date: 2026-07-10." in text
    assert "2025-10-02 school census" in text
    assert "- `health_la.csv`: The local authority as a whole." in text
    assert "- `health_ward.csv`: By the child's home ward (ONS ward code, and its name)." in text
    assert "- `health_la_combined.csv`: The local authority as a whole. The combined" in text
    assert "| `ward_name` |" in text and "| `x` | in `ward_name`" in text
    assert "health_school" not in text
    assert "Counts of 1 to 7 are shown as `*`" in text
    assert "rounded to the nearest 5 (halves rounded up)" in text
    assert "Wilson score confidence intervals" in text
    assert "No means are published" in text
    assert "| `*` | suppressed" in text and "| `z` | not applicable" in text
    assert "UK90" in text and "rcpchgrowth" in text
    assert "below -3 or above +4" in text
    headings = [line[3:] for line in text.splitlines() if line.startswith("## ")]
    assert headings == [
        *[h for h in HEADINGS if h != RECONCILIATION],
        "How the weight categories are laid out",
        "Why a total can be `*` beside published parts",
    ]
    assert "- secondary suppression:" in text and "- rounding:" in text


def test_an_exact_profile_says_counts_are_shown_as_they_are() -> None:
    text = health_note(
        academic_year="2025/26",
        census_date=date(2025, 10, 2),
        reference_date=date(2026, 7, 10),
        profile=load_profile("dfe"),
        tables=["health_la", "health_school"],
    )
    assert "Counts of 1 to 2 are shown as `c`; every other count is shown as it is." in text
    assert "- `health_school.csv`: By the school the child was measured at (LAESTAB)." in text
    assert "- rounding:" not in text and "ward_name" not in text


def test_the_reconciliation_says_how_the_total_is_reached_without_the_figures_between() -> None:
    nhs = load_profile("nhs")
    text = health_note(
        academic_year="2025/26",
        census_date=date(2025, 10, 2),
        reference_date=date(2026, 7, 10),
        profile=nhs,
        tables=["health_la"],
        reconciliation=measurement_reconciliation(nhs),
    )
    headings = [line[3:] for line in text.splitlines() if line.startswith("## ")]
    assert headings[: len(HEADINGS)] == list(HEADINGS)
    section = text.split(f"## {RECONCILIATION}")[1].split("## ")[0]
    assert "held back as implausible" in section and "rounded to the nearest 5" in section
    assert "is not published" in section and not any(c.isdigit() for c in section[:20])
