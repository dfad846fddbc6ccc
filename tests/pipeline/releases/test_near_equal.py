"""The near-equal declaration (``pipeline/releases/near_equal.toml``): which flows count nearly
the same pupils, which of their tables and dimensions correspond, read and checked as data.
What the declaration does to a release is tested end to end in
``tests/over_time/test_near_equal_populations.py``."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from pipeline.releases.near_equal import NearEqualSide, near_equal_declarations
from pipeline.releases.periods import academic_year_of
from schema.errors import PupilstatsError

CENSUS = date(2025, 10, 2)


def test_funding_and_absence_are_declared_near_equal_with_their_corresponding_dimensions() -> None:
    (declared,) = near_equal_declarations()
    funding, absence = declared.seen_from("funding-round") or ()
    assert absence.flow == "nightly-performance"
    assert dict(zip(funding.dimensions, absence.dimensions, strict=True)) == {
        "school": "school",
        "fsm6": "disadvantaged",
        "sen_provision": "sen_provision",
        "eal": "eal",
    }
    assert declared.seen_from("nightly-performance") == (absence, funding)
    assert declared.seen_from("ccg-health") is None
    assert "dual-registered" in declared.why


@pytest.mark.parametrize(
    ("name", "year"),
    [
        ("absence_persistent_disadvantaged_2025-26", "2025-26"),
        ("absence_persistent_sen_provision_2024-25", "2024-25"),
        ("absence_rate_sex_2025-26", None),  # a means table: not the counts' population
        ("ks2_expected_sex_2025-26", None),
        ("absence_persistent_sex", None),  # no year
    ],
)
def test_a_side_whose_names_carry_the_year_reads_it_from_the_name(name: str, year: str) -> None:
    side = NearEqualSide("nightly-performance", "absence_persistent_*_{year}", ("school",))
    assert side.year_of(name, CENSUS) == year


def test_a_side_of_one_census_date_counts_the_academic_year_it_falls_in() -> None:
    side = NearEqualSide("funding-round", "funding_*", ("school",))
    assert side.year_of("funding_fsm6", CENSUS) == "2025-26"
    assert side.year_of("funding_fsm6", date(2026, 1, 15)) == "2025-26"  # spring census
    assert side.year_of("funding_fsm6", date(2026, 9, 1)) == "2026-27"
    assert side.year_of("ks2_expected_sex_2025-26", CENSUS) is None
    assert academic_year_of(date(2026, 8, 31)) == "2025-26"


@pytest.mark.parametrize(
    ("body", "said"),
    [
        (
            '[near_equal.funding-round]\ntables = "funding_*"\ndimensions = ["school"]\n',
            "must name two flows",
        ),
        (
            '[near_equal.funding-round]\ntables = "funding_*"\ndimensions = ["school"]\n'
            '[near_equal.nightly-performance]\ntables = "absence_*"\n'
            'dimensions = ["school", "disadvantaged"]\n',
            "as many dimensions",
        ),
        (
            '[near_equal.funding-round]\ntables = "funding_*"\ndimensions = ["school"]\n'
            '[near_equal.school-census]\ntables = "x_*"\ndimensions = ["school"]\n',
            "school-census",
        ),
    ],
)
def test_a_malformed_declaration_is_refused_naming_the_file(
    tmp_path: Path, body: str, said: str
) -> None:
    source = tmp_path / "near_equal.toml"
    source.write_text(f'[[near_equal]]\nwhy = "test"\n{body}', encoding="utf-8")
    with pytest.raises(PupilstatsError, match=said) as refused:
        near_equal_declarations(source)
    assert str(source) in str(refused.value)
    assert "\n" not in str(refused.value)
