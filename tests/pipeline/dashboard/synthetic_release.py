"""A small synthetic release, written by the real release writer, for the dashboard tests.

It has the shapes of the nightly-performance release (``/tmp`` format notes of the data
flow: one table per breakdown, ``academic_year`` with no total rows, an ``outcome``
dimension met / not met / cohort, a ``family`` and ``title`` per table, a ``schools.csv``
lookup) and a funding-round count table:

* ``pupils_fsm``: school x FSM counts;
* ``ks2_expected_sex`` (school level) and ``ks2_expected_eal`` (LA level): cohorts, pupils
  reaching the standard, percentages with 95% intervals, three years;
* ``ks4_attainment_sex``: two means (Attainment 8, Progress 8) per cohort, three years;
* ``absence_rate_sex``: the overall absence rate (kind ``rate``).

Published cells include ``c`` (a school cohort under 6 and its complement) and ``z`` (a
percentage of no pupils); no published count is 1 or 2.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from pathlib import Path

import polars as pl

from disclosure import AuditReport, Dimension, published_cells_digest
from pipeline.profiles import load_profile
from pipeline.release.published import DerivedColumn, ReleaseTable, audited_cells
from pipeline.release.writer import write_release

SCHOOLS = {"3592001": "primary", "3592002": "primary", "3592003": "primary", "4592001": "secondary"}
NAMES = {
    "3592001": "Abbey Road Primary",
    "3592002": "Brook Lane Primary",
    "3592003": "Castle Hill Primary",
    "4592001": "Dale Academy",
}
YEARS = ("2022/23", "2023/24", "2024/25")
YEAR = Dimension.flat("academic_year", YEARS)
SCHOOL_FUNDING = Dimension(
    name="school", total="Total", parents={"primary": "Total", "secondary": "Total", **SCHOOLS}
)
SCHOOL = Dimension.flat("school", list(SCHOOLS))
SECONDARY = Dimension.flat("school", [s for s, phase in SCHOOLS.items() if phase == "secondary"])
LA_ONLY = Dimension(name="school", total="Total", parents={})
SEX = Dimension.flat("sex", ["F", "M"])
EAL = Dimension.flat("eal", ["Y", "N"])
FSM = Dimension.flat("fsm", ["Y", "N"])
OUTCOME = Dimension.flat("outcome", ["met", "not_met"])
SMALL = ("2024/25", "3592003", "M")
"""A school cohort under 6: shown ``c`` with its complement (the girls of that year)."""
EMPTY = ("2022/23", "3592002", "F")
"""A cohort of 0: its percentage is ``z``."""


def _fsm_table() -> ReleaseTable:
    rows = [("Total", "Total", "412"), ("Total", "Y", "101"), ("Total", "N", "311")]
    rows += [("primary", "Total", "250"), ("primary", "Y", "c"), ("primary", "N", "c")]
    rows += [("secondary", "Total", "162"), ("secondary", "Y", "c"), ("secondary", "N", "c")]
    rows += [("3592001", "Total", "90"), ("3592001", "Y", "0"), ("3592001", "N", "90")]
    for school, total in (("3592002", "85"), ("3592003", "75"), ("4592001", "162")):
        rows += [(school, "Total", total), (school, "Y", "c"), (school, "N", "c")]
    return ReleaseTable(
        name="pupils_fsm",
        dimensions=(SCHOOL_FUNDING, FSM),
        measure="pupils",
        cells=pl.DataFrame(rows, schema=["school", "fsm", "pupils"], orient="row"),
        summary={"cells": len(rows)},
    )


def _cohorts(
    rng: random.Random, groups: list[str], schools: Sequence[str] = tuple(SCHOOLS)
) -> dict[tuple[str, str, str], tuple[int, int]]:
    """(year, school, group) -> (cohort, met) for every one of ``schools``, LA totals summed."""
    cells: dict[tuple[str, str, str], tuple[int, int]] = {}
    for year in YEARS:
        for school in schools:
            for group in groups:
                cohort = rng.randint(8, 40)
                if (year, school, group) == SMALL:
                    cohort = 4
                if (year, school, group) == EMPTY:
                    cohort = 0
                cells[(year, school, group)] = (cohort, round(cohort * rng.uniform(0.4, 0.8)))
    for year in YEARS:
        for group in groups:
            parts = [cells[(year, s, group)] for s in schools]
            cells[(year, "Total", group)] = (sum(p[0] for p in parts), sum(p[1] for p in parts))
        for school in ["Total", *schools]:
            parts = [cells[(year, school, g)] for g in groups]
            cells[(year, school, "Total")] = (sum(p[0] for p in parts), sum(p[1] for p in parts))
    return cells


def _percent(met: int, cohort: int) -> list[str]:
    if cohort == 0:
        return ["z", "z", "z"]
    p = 100 * met / cohort
    return [f"{p:.1f}", f"{max(p - 9.5, 0):.1f}", f"{min(p + 8.7, 100):.1f}"]


def _expected_table(
    name: str, school: Dimension, group: Dimension, rng: random.Random
) -> ReleaseTable:
    cells = _cohorts(rng, list(group.parents))
    schools = ["Total", *school.parents]
    rows = []
    for (year, sch, code), (cohort, met) in cells.items():
        if sch not in schools:
            continue
        hidden = sch == SMALL[1] and year == SMALL[0] and code != "Total"
        for outcome, n in (("Total", cohort), ("met", met), ("not_met", cohort - met)):
            figures = [str(n), *_percent(n, cohort)] if not hidden else ["c"] * 4
            rows.append((year, sch, code, outcome, *figures))
    columns = ["academic_year", "school", group.name, "outcome", "pupils"]
    columns += ["percentage", "ci_lower", "ci_upper"]
    return ReleaseTable(
        name=name,
        dimensions=(YEAR, school, group, OUTCOME),
        measure="pupils",
        cells=pl.DataFrame(sorted(rows), schema=columns, orient="row"),
        summary={
            "cells": len(rows),
            "family": "ks2",
            "title": "KS2: reached the expected standard in reading, writing and maths, by "
            + ("sex" if group.name == "sex" else "EAL"),
        },
        derived=tuple(
            DerivedColumn(c, c, ("pupils", "pupils of the cohort"))
            for c in ("percentage", "ci_lower", "ci_upper")
        ),
    )


Mean = tuple[str, float, float, int]
"""A mean column's kind, the range its synthetic values are drawn from, and its decimals."""


def _means_table(
    name: str,
    family: str,
    means: dict[str, Mean],
    title: str,
    rng: random.Random,
    school_dimension: Dimension = SCHOOL,
) -> ReleaseTable:
    cells = _cohorts(rng, ["F", "M"], list(school_dimension.parents))
    rows = []
    for (year, school, sex), (cohort, _) in cells.items():
        hidden = school == SMALL[1] and year == SMALL[0] and sex != "Total"
        figures = [str(cohort)]
        for _, low, high, decimals in (means[c] for c in sorted(means)):
            figures.append("z" if cohort == 0 else f"{rng.uniform(low, high):.{decimals}f}")
        rows.append((year, school, sex, *(["c"] * len(figures) if hidden else figures)))
    columns = ["academic_year", "school", "sex", "pupils", *sorted(means)]
    return ReleaseTable(
        name=name,
        dimensions=(YEAR, school_dimension, SEX),
        measure="pupils",
        cells=pl.DataFrame(sorted(rows), schema=columns, orient="row"),
        summary={"cells": len(rows), "family": family, "title": title},
        derived=tuple(DerivedColumn(c, means[c][0], ("pupils",)) for c in sorted(means)),
    )


def write_synthetic_release(
    releases_dir: Path,
    seed: int = 5,
    flow: str = "nightly-performance",
    *,
    ks4_secondary_only: bool = False,
) -> Path:
    """Write the synthetic release under ``releases_dir`` and return its folder.

    ``ks4_secondary_only``: the KS4 table has rows for the secondary school only, as the
    nightly release's do (its primary schools' KS4 figures do not apply: ``z``).
    """
    rng = random.Random(seed)
    schools = "laestab,urn,school_name,phase\n" + "".join(
        f"{code},{100001 + i},{NAMES[code]},{phase}\n"
        for i, (code, phase) in enumerate(SCHOOLS.items())
    )
    tables = [
        _fsm_table(),
        _expected_table("ks2_expected_sex", SCHOOL, SEX, rng),
        _expected_table("ks2_expected_eal", LA_ONLY, EAL, rng),
        _means_table(
            "ks4_attainment_sex",
            "ks4",
            {
                "average_attainment8": ("mean", 30, 60, 1),
                "average_progress8": ("mean", -0.6, 0.6, 2),
            },
            "KS4: average Attainment 8 and Progress 8, by sex",
            rng,
            SECONDARY if ks4_secondary_only else SCHOOL,
        ),
        _means_table(
            "absence_rate_sex",
            "absence",
            {"overall_absence_rate": ("rate", 4, 9, 1)},
            "Absence: overall absence rate, by sex",
            rng,
        ),
    ]
    return write_release(
        releases_dir=releases_dir,
        flow=flow,
        reference_date="2024-10-03",
        profile=load_profile("dfe"),
        tables=tables,
        inputs=[],
        audit=hand_audit(tables),
        documents={"schools.csv": schools},
    )


def hand_audit(tables: list[ReleaseTable]) -> AuditReport:
    """A passed audit over exactly the cells of ``tables`` (their digest): the dashboard reads
    releases, so these tables are made by hand with known figures, not protected."""
    return AuditReport(
        passed=True,
        intervals=pl.DataFrame(),
        failures=[],
        digest=published_cells_digest(audited_cells(tables)),
    )
