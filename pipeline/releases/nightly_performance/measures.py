"""What the school performance statistics measure: three families, their outcome and means,
and the pupil characteristics they are broken down by.

Definitions follow DfE (docs/domain.md, "School performance measures"):

* KS2: the cohort is every pupil with a KS2 result that year; a pupil *meets* the expected
  standard in reading, writing and maths combined when both scaled scores are 100 or more
  and writing is teacher-assessed EXS or GDS (a pupil with a non-score code such as A or B
  is in the cohort and does not meet it). Average scaled scores are over the pupils with a
  scaled score in that subject.
* KS4: the cohort is every pupil with a KS4 result; *meets* = grade 5 or above in both
  English and maths. Average Attainment 8 is over the whole cohort, average Progress 8 over
  the pupils with a Progress 8 score (those with KS2 prior attainment).
* Absence: the cohort is every enrolment with at least one possible session; *meets* =
  persistently absent, 10% or more of possible sessions missed (authorised + unauthorised).
  The overall absence rate is sessions missed over possible sessions, in per cent.

Each family is protected as counts of ``outcome`` {met, not_met} whose total is the cohort;
its means are published beside the cohort (see ``pipeline.releases.nightly_performance.means``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from pipeline.release.describe import ColumnText
from schema import codes

TOTAL = "Total"
MET, NOT_MET = "met", "not_met"
OUTCOMES: tuple[str, ...] = (MET, NOT_MET)
OUTCOME = "outcome"
SCHOOL = "school"
ACADEMIC_YEAR = "academic_year"
COHORT_COLUMN = "pupils"


@dataclass(frozen=True)
class MeanSpec:
    """One published mean: ``numerator`` summed over the cell's pupils, divided by the number
    of pupils with a value (``denominator`` None) or by the sum of ``denominator``; times
    ``scale``, shown with ``decimals`` decimals."""

    column: str
    numerator: str
    description: str
    decimals: int = 1
    denominator: str | None = None
    scale: float = 1.0
    kind: str = "mean"


@dataclass(frozen=True)
class Family:
    """A measure family: its count table (``outcome``) and its means table."""

    name: str
    counts_table: str
    means_table: str
    outcome_title: str
    means_title: str
    unit: str
    means: tuple[MeanSpec, ...]
    met: str = ""
    """What ``met`` means for this family, in words (``not_met`` is the rest of the cohort)."""
    cohort: str = ""
    """Who is in the cohort, in words."""


KS2 = Family(
    name="ks2",
    counts_table="ks2_expected",
    means_table="ks2_scores",
    outcome_title="KS2: reached the expected standard in reading, writing and maths",
    means_title="KS2: average scaled scores in reading and maths",
    unit="pupils",
    means=(
        MeanSpec("average_reading_score", "reading_score", "Average reading scaled score (80-120)"),
        MeanSpec("average_maths_score", "maths_score", "Average maths scaled score (80-120)"),
    ),
    met="reached the expected standard in reading, writing and maths (both scaled scores 100 "
    "or more and writing teacher-assessed EXS or GDS)",
    cohort="pupils with a KS2 result that year",
)

KS4 = Family(
    name="ks4",
    counts_table="ks4_english_maths_5",
    means_table="ks4_attainment",
    outcome_title="KS4: grade 5 or above in English and maths",
    means_title="KS4: average Attainment 8 and Progress 8",
    unit="pupils",
    means=(
        MeanSpec("average_attainment8", "attainment8", "Average Attainment 8 score (0-90)"),
        MeanSpec("average_progress8", "progress8", "Average Progress 8 score", decimals=2),
    ),
    met="grade 5 or above in both English and maths",
    cohort="pupils with a KS4 result that year",
)

ABSENCE = Family(
    name="absence",
    counts_table="absence_persistent",
    means_table="absence_rate",
    outcome_title="Absence: persistently absent (10% or more of possible sessions missed)",
    means_title="Absence: overall absence rate (% of possible sessions missed)",
    unit="enrolments",
    means=(
        MeanSpec(
            "overall_absence_rate",
            "sessions_missed",
            "Sessions missed (authorised and unauthorised) as % of possible sessions",
            denominator="possible_sessions",
            scale=100.0,
            kind="rate",
        ),
    ),
    met="persistently absent: missed 10% or more of possible sessions",
    cohort="enrolments with at least one possible session that year",
)

FAMILIES: tuple[Family, ...] = (KS2, KS4, ABSENCE)


@dataclass(frozen=True)
class Breakdown:
    """A pupil characteristic the measures are broken down by: the dimension's name (also
    the pupil frame's column), its codes, and whether it is published by school (``True``)
    or for the local authority only."""

    name: str
    codes: tuple[str, ...]
    by_school: bool
    title: str
    text: ColumnText = field(default_factory=lambda: ColumnText(""))
    """The breakdown column's title and the meaning of its codes, for readers."""


ETHNIC_GROUPS: tuple[str, ...] = tuple(dict.fromkeys(codes.ETHNICITY_MAJOR_GROUP.values()))


def _with_total(values: Mapping[str, str], total: str = "All pupils") -> dict[str, str]:
    return {**values, TOTAL: total}


BREAKDOWNS: tuple[Breakdown, ...] = (
    Breakdown(
        "sex",
        codes.SEX,
        True,
        "by sex",
        ColumnText(
            "Sex", "Sex as recorded on the census.", _with_total({"M": "Male", "F": "Female"})
        ),
    ),
    Breakdown(
        "disadvantaged",
        ("Y", "N"),
        True,
        "by disadvantage (FSM at any census in 6 years)",
        ColumnText(
            "Disadvantaged",
            "Eligible for free school meals at any census in the last six years.",
            _with_total({"Y": "Disadvantaged", "N": "Not disadvantaged"}),
        ),
    ),
    Breakdown(
        "sen_provision",
        codes.SEN_PROVISION,
        False,
        "by SEN provision",
        ColumnText(
            "Special educational needs (SEN) provision",
            "The pupil's SEN provision on the autumn census.",
            _with_total(
                {
                    "N": "No special educational provision",
                    "K": "SEN support",
                    "E": "Education, health and care (EHC) plan",
                }
            ),
        ),
    ),
    Breakdown(
        "eal",
        ("Y", "N"),
        False,
        "by English as an additional language",
        ColumnText(
            "English as an additional language (EAL)",
            "First language recorded as, or believed to be, other than English.",
            _with_total({"Y": "First language other than English", "N": "English or not known"}),
        ),
    ),
    Breakdown(
        "ethnic_group",
        ETHNIC_GROUPS,
        False,
        "by major ethnic group",
        ColumnText(
            "Major ethnic group",
            "The major group of the pupil's ethnicity as recorded on the census "
            "(Unclassified: refused or not obtained).",
            _with_total({}),
        ),
    ),
)
"""Sex and disadvantage are published by school (as DfE performance tables break schools
down); SEN provision, EAL and ethnic group for the local authority only. By school they
would be mostly suppressed (of KS2's 2,916 school x ethnic group x outcome cells in the
48,000-pupil borough, 739 are counts of 1-2) and protecting them with the rest takes about
40 s per year instead of 1 s (bench/nightly_performance.py)."""


def table_name(base: str, breakdown: Breakdown) -> str:
    """A release table's name, e.g. ``ks2_expected_sex``."""
    return f"{base}_{breakdown.name}"


def year_code(academic_year: str) -> str:
    """``2025/26`` as used in names: ``2025-26``."""
    return academic_year.replace("/", "-")
