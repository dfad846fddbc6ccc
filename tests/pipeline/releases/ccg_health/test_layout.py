"""The reader's layout of the health tables (issue 18): no column holds a category beside one
that contains it, rows in NCMP's order, and the two files of a table are exactly its audited
cells (the writer's digest check passes)."""

from __future__ import annotations

import polars as pl
import pytest

from pipeline.health.classification import ALL_CHILDREN, CATEGORY_PARENTS
from pipeline.release.published import ReleaseTable
from pipeline.release.writer import refuse_unaudited
from pipeline.releases.ccg_health.layout import COMBINED, EXCLUSIVE
from pipeline.releases.ccg_health.publication import MEASURE, health_release_tables
from tests.pipeline.releases.ccg_health.conftest import Protected

NCMP_ORDER = [
    "underweight",
    "healthy_weight",
    "overweight",
    "obesity_not_severe",
    "severe_obesity",
    "obesity",
    "overweight_or_obesity",
]


@pytest.fixture(scope="module")
def released(nhs_protected: Protected) -> list[ReleaseTable]:
    return health_release_tables(
        nhs_protected.tables, nhs_protected.protection, {"ward03": "Emberton"}
    )


def ancestors(code: str) -> set[str]:
    found = set()
    while code in CATEGORY_PARENTS:
        code = CATEGORY_PARENTS[code]
        found.add(code)
    return found


def test_no_file_holds_a_category_beside_one_that_contains_it_except_the_total(
    released: list[ReleaseTable],
) -> None:
    for table in released:
        categories = set(table.cells["category"].unique())
        assert categories == set(COMBINED if table.name.endswith("_combined") else EXCLUSIVE)
        for code in categories - {ALL_CHILDREN}:
            nested = ancestors(code) & categories - {ALL_CHILDREN}
            assert not nested or table.name.endswith("_combined"), (table.name, code)
    # the exclusive file's categories are the hierarchy's leaves: each child is in one
    leaves = set(CATEGORY_PARENTS) - set(CATEGORY_PARENTS.values())
    assert leaves == set(EXCLUSIVE) - {ALL_CHILDREN}


def test_rows_are_in_ncmp_order_reception_first_totals_last(
    released: list[ReleaseTable],
) -> None:
    la = next(t for t in released if t.name == "la").cells
    first = la.filter((pl.col("school_year") == "R") & (pl.col("sex") == "F"))
    assert first["category"].to_list() == [*NCMP_ORDER[:5], ALL_CHILDREN]
    assert la["school_year"].unique(maintain_order=True).to_list() == ["R", "6", "Total"]
    assert la["sex"].unique(maintain_order=True).to_list() == ["F", "M", "Total"]
    combined = next(t for t in released if t.name == "la_combined").cells
    assert combined["category"].unique(maintain_order=True).to_list() == NCMP_ORDER[5:]
    ward = next(t for t in released if t.name == "ward").cells
    assert ward["ward"].unique(maintain_order=True).to_list()[-1] == "Total"


def test_the_two_files_are_exactly_the_audited_cells(
    nhs_protected: Protected, released: list[ReleaseTable]
) -> None:
    refuse_unaudited(released, nhs_protected.protection.audit)  # digest of what is written
    for table in nhs_protected.tables:
        parts = [t for t in released if t.cell_sources[0].table == table.name]
        assert [p.name for p in parts] == [table.name, f"{table.name}_combined"]
        assert sum(p.cells.height for p in parts) == table.cells.height
        assert sum(p.summary["primary"] for p in parts) == int(
            (nhs_protected.protection.tables[table.name]["status"] == "primary").sum()
        )


def test_wards_are_named_beside_their_codes(released: list[ReleaseTable]) -> None:
    for name in ("ward", "ward_combined"):
        cells = next(t for t in released if t.name == name).cells
        assert cells.columns[:2] == ["ward", "ward_name"]
        names = dict(cells.select("ward", "ward_name").unique().iter_rows())
        assert names["ward03"] == "Emberton" and names["Total"] == "Total"
        assert names["ward04"] == "x"  # not in the lookup given
        assert MEASURE in cells.columns
