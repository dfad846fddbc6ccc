"""Issue 15, scenario 4: two flows that count nearly the same pupils.

The funding round counts a pupil of NC years R to 11 on the October census at their main
school; the nightly release's absence tables count every enrolment with an absence record
that year at the school holding it. At most schools the two differ by a dual-registered
pupil or a sixth former or two, so the difference of a school's FSM6 split (funding) and its
disadvantaged split (absence) is the status of those few pupils. The two populations are
declared near-equal (``pipeline/releases/near_equal.toml``): the nightly release is
protected against the funding round of its year as against an earlier night.

The independent attacker (``attacker``) holds both published folders and names the funding
cells as the absence tables name them (``SamePupils``: FSM6 is the disadvantaged split, the
census falls in 2025/26); it knows nothing of the change (some pupils are in one population
only). With the rule it learns no attribute of the pupils in one population only and
recovers no suppressed cell; without it (the same night protected as if the ledger were
empty) it does, and what it reads is true.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from attacker import AttackReport, SamePupils, attack
from scenarios import LATEST_YEAR, NearEqualRuns, funding_then_absence

SAME_PUPILS = SamePupils(
    group="absence", columns={"fsm6": "disadvantaged"}, coordinates={"academic_year": LATEST_YEAR}
)
"""Funding's FSM6 split is the absence tables' disadvantaged split (both Ever-6 FSM from
the census); SEN provision and EAL have the same names and codes."""

TOTAL = "Total"


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> NearEqualRuns:
    return funding_then_absence(tmp_path_factory.mktemp("near-equal"))


def attacked(funding: Path, nightly: Path) -> AttackReport:
    return attack([funding, nightly], same_pupils=SAME_PUPILS)


def true_difference(runs: NearEqualRuns, coordinates: dict[str, str]) -> int:
    """Absence enrolments minus funded pupils in the cell at ``coordinates`` (an absence
    table's coordinates), counted from the store's pupils."""
    absence = runs.absence_counted
    funding = runs.funding_counted.rename({"fsm6": "disadvantaged"})
    for column, code in coordinates.items():
        if column in ("academic_year", "outcome") or code == TOTAL:
            continue
        absence = absence.filter(pl.col(column) == code)
        funding = funding.filter(pl.col(column) == code)
    return absence.height - funding.height


def test_with_the_rule_the_funding_round_and_the_absence_tables_disclose_nothing(
    runs: NearEqualRuns,
) -> None:
    assert any(
        note.startswith(f"absence_{LATEST_YEAR.replace('/', '-')}: checked with 1 earlier")
        for note in runs.notes
    ), runs.notes
    report = attacked(runs.funding, runs.nightly)
    assert report.paired > 100  # the schools' splits, rolls and the LA's SEN and EAL cells
    assert report.attribute_disclosures == []
    assert report.disclosed_cells == []


def test_without_the_rule_the_gap_between_the_definitions_is_read(runs: NearEqualRuns) -> None:
    report = attacked(runs.funding, runs.nightly_without_rule)
    read = report.attribute_disclosures
    assert read, "the same night protected as if the ledger were empty should disclose"
    for difference in read:
        assert difference.low == difference.high == true_difference(runs, difference.coordinates)
        assert 1 <= abs(difference.low) < report.threshold


def test_the_funding_round_run_again_after_the_nightly_release_writes_nothing_new(
    runs: NearEqualRuns,
) -> None:
    """The funding round is checked against the nightly release too (the pair is declared
    both ways): the night already protected every small difference, so nothing changes."""
    assert runs.funding_again == runs.funding
