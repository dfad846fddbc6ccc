"""The performance release's reader's note has the headings every note has, and its
reconciliation shows each cohort's records under the release's rules (issue 18)."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

import polars as pl

from pipeline.profiles import load_profile
from pipeline.release.note import HEADINGS, RECONCILIATION
from pipeline.release.published import ReleaseTable
from pipeline.releases.nightly_performance.measures import BREAKDOWNS, KS2, KS4
from pipeline.releases.nightly_performance.note import cohort_reconciliation, readme

PROFILE = load_profile("dfe-performance")


def test_the_note_has_the_shared_headings_codes_rules_and_reference_date() -> None:
    years = [SimpleNamespace(academic_year=y) for y in ("2024/25", "2025/26")]
    text = readme(years, PROFILE, date(2025, 10, 2))  # type: ignore[arg-type]
    headings = [line[3:] for line in text.splitlines() if line.startswith("## ")]
    assert headings == [h for h in HEADINGS if h != RECONCILIATION]
    assert "Reference date: 2025-10-02." in text and "2024/25, 2025/26" in text
    assert "| `c` | suppressed" in text and "| `z` | not applicable" in text
    assert "`ks2_expected_<breakdown>.csv`" in text and "| `sen_provision N, K, E` |" in text
    assert "cohorts under 6" in text and "research opt-out" in text


def population(family: object, year: str, counted: int, elsewhere: int) -> SimpleNamespace:
    exclusions = SimpleNamespace(counted=counted, not_on_census_eligible=elsewhere)
    return SimpleNamespace(
        family=family,
        academic_year=year,
        breakdowns=BREAKDOWNS,
        exclusions=exclusions,
        key=f"{family.name}_{year}",  # type: ignore[attr-defined]
    )


def published(family: object, totals: dict[str, str]) -> ReleaseTable:
    """The LA cohort rows of a family's first count table, as published."""
    first = BREAKDOWNS[0].name
    cells = pl.DataFrame(
        {
            "academic_year": list(totals),
            "school": ["Total"] * len(totals),
            first: ["Total"] * len(totals),
            "outcome": ["Total"] * len(totals),
            "pupils": list(totals.values()),
        }
    )
    name = f"{family.counts_table}_{first}"  # type: ignore[attr-defined]
    return ReleaseTable(name, (), "pupils", cells, {})


def test_the_reconciliation_hides_a_small_step_and_a_hidden_cohort_and_shows_the_rest() -> None:
    populations = [
        population(KS4, "2025/26", 40, 1),  # one record not on roll: 1 is small
        population(KS2, "2025/26", 50, 0),
        population(KS2, "2024/25", 60, 7),
    ]
    tables = [
        published(KS2, {"2024/25": "60", "2025/26": "50"}),
        published(KS4, {"2025/26": "40"}),
    ]
    grid = cohort_reconciliation(populations, tables, PROFILE).grid  # type: ignore[arg-type]
    head, *rows = grid
    assert len(head) == 5
    assert [r[0] for r in rows] == ["2024/25", "2025/26", "2025/26"]  # years, then KS2, KS4
    assert rows[0][2:] == ("67", "7", "60")
    assert rows[1][2:] == ("50", "0", "50")
    # 1 is hidden, and the records with it (else 41 - 40 gives it); the cohort stays shown
    assert rows[2][2:] == ("c", "c", "40")

    hidden = [published(KS2, {"2024/25": "c", "2025/26": "50"}), tables[1]]
    rows = cohort_reconciliation(populations, hidden, PROFILE).grid[1:]  # type: ignore[arg-type]
    assert rows[0][2:] == ("c", "c", "c")  # the tables hide the cohort: so does the note


def test_the_note_of_a_release_has_the_reconciliation_under_its_heading() -> None:
    populations = [population(KS2, "2025/26", 50, 3)]
    tables = [published(KS2, {"2025/26": "50"})]
    text = readme(populations, PROFILE, date(2025, 10, 2), tables)  # type: ignore[arg-type]
    headings = [line[3:] for line in text.splitlines() if line.startswith("## ")]
    assert headings == list(HEADINGS)
    assert "| 2025/26 | pupils with a KS2 result that year | 53 | 3 | 50 |" in text
    assert "|---|---|---:|---:|---:|" in text
