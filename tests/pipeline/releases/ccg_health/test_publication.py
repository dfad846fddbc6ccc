"""The published health tables (issue 6 acceptance): counts 0 or multiples of 5, none in 1-7;
percentages and Wilson intervals recomputed here from the published figures alone. The
reader's layout (issue 18): no file holds a category beside one that contains it, rows in
NCMP's order, and the two files of a table are exactly its audited cells."""

from __future__ import annotations

import math

import polars as pl
import pytest

from disclosure import Protection, Table
from pipeline.health.classification import ALL_CHILDREN, CATEGORY_PARENTS
from pipeline.release.published import ReleaseTable
from pipeline.release.writer import refuse_unaudited
from pipeline.releases.ccg_health.layout import COMBINED, EXCLUSIVE
from pipeline.releases.ccg_health.publication import MEASURE, health_release_tables
from tests.pipeline.releases.ccg_health.conftest import Protected

Z = 1.959963984540054


@pytest.fixture(scope="module")
def released(nhs_protected: Protected) -> tuple[list[Table], Protection, list[ReleaseTable]]:
    tables, protection = nhs_protected.tables, nhs_protected.protection
    return tables, protection, health_release_tables(tables, protection)


def wilson_by_hand(r: float, n: float) -> tuple[float, float]:
    """Wilson (1927): (2r + z^2 -+ z sqrt(z^2 + 4 r (1 - r/n))) / (2 (n + z^2)), in per cent."""
    root = Z * math.sqrt(Z * Z + 4 * r * (1 - r / n))
    low = (2 * r + Z * Z - root) / (2 * (n + Z * Z))
    high = (2 * r + Z * Z + root) / (2 * (n + Z * Z))
    return 100 * low, 100 * high


def test_every_published_count_is_zero_or_a_multiple_of_five(
    released: tuple[list[Table], Protection, list[ReleaseTable]],
) -> None:
    _, protection, tables = released
    assert [t.name for t in tables] == [
        "la",
        "la_combined",
        "ward",
        "ward_combined",
        "group",
        "group_combined",
    ]
    zeros = 0
    for table in tables:
        (source,) = table.cell_sources
        dims = [d.name for d in table.dimensions]
        frame = protection.tables[source.table].with_columns(pl.col(d).cast(pl.Utf8) for d in dims)
        cells = table.cells.join(frame.select(*dims, "value"), on=dims, how="left")
        values, true = cells[MEASURE], cells["value"]
        shown = values.filter(values != "*").cast(pl.Int64)
        assert shown.len() > 0 and (shown % 5 == 0).all()
        assert not shown.is_between(1, 7).any()
        assert (values.filter(true.is_between(1, 7)) == "*").all()
        assert values.filter(true == 0).is_in(["0", "*"]).all()
        zeros += int((values.filter(true == 0) == "0").sum())
        labels = ["ward_name"] if "ward" in dims else []
        assert table.columns == [
            *dims[:1],
            *labels,
            *dims[1:],
            MEASURE,
            "percentage",
            "ci_lower",
            "ci_upper",
        ]
    assert zeros > 0  # true zeros are published as 0


def test_percentages_and_intervals_match_a_recomputation_from_published_figures(
    released: tuple[list[Table], Protection, list[ReleaseTable]],
) -> None:
    checked = suppressed = 0
    for table in released[2]:
        dims = [d.name for d in table.dimensions]
        others = [d for d in dims if d != "category"]
        exclusive = next(t for t in released[2] if t.name == table.cell_sources[0].table)
        denominators = {
            tuple(r[d] for d in others): r[MEASURE]
            for r in exclusive.cells.filter(pl.col("category") == "Total").iter_rows(named=True)
        }
        for row in table.cells.iter_rows(named=True):
            derived = (row["percentage"], row["ci_lower"], row["ci_upper"])
            if row["category"] == "Total":
                assert derived == ("z", "z", "z")
                continue
            n = denominators[tuple(row[d] for d in others)]
            if "*" in (row[MEASURE], n):
                assert derived == ("*", "*", "*")
                suppressed += 1
                continue
            if n == "0":
                assert derived == ("z", "z", "z")
                continue
            r, total = float(row[MEASURE]), float(n)
            low, high = wilson_by_hand(r, total)
            for shown, exact in zip(derived, (100 * r / total, low, high), strict=True):
                assert shown == f"{float(shown):.1f}"
                assert abs(float(shown) - exact) <= 0.05 + 1e-9
            checked += 1
    assert checked > 100 and suppressed > 100


def test_the_manifest_summary_holds_no_sum_of_true_values(
    released: tuple[list[Table], Protection, list[ReleaseTable]],
) -> None:
    hidden_sums = set(next(iter(released[1].information_loss().values())))
    assert hidden_sums == {"suppressed_value_total", "secondary_value_total", "cost"}
    for table in released[2]:
        assert not hidden_sums & set(table.summary)
        assert {"cells", "primary", "secondary", "audit_passed"} <= set(table.summary)
        assert table.summary["cells"] == table.cells.height


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
def laid_out(nhs_protected: Protected) -> list[ReleaseTable]:
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
    laid_out: list[ReleaseTable],
) -> None:
    for table in laid_out:
        categories = set(table.cells["category"].unique())
        assert categories == set(COMBINED if table.name.endswith("_combined") else EXCLUSIVE)
        for code in categories - {ALL_CHILDREN}:
            nested = ancestors(code) & categories - {ALL_CHILDREN}
            assert not nested or table.name.endswith("_combined"), (table.name, code)
    # the exclusive file's categories are the hierarchy's leaves: each child is in one
    leaves = set(CATEGORY_PARENTS) - set(CATEGORY_PARENTS.values())
    assert leaves == set(EXCLUSIVE) - {ALL_CHILDREN}


def test_rows_are_in_ncmp_order_reception_first_totals_last(
    laid_out: list[ReleaseTable],
) -> None:
    la = next(t for t in laid_out if t.name == "la").cells
    first = la.filter((pl.col("school_year") == "R") & (pl.col("sex") == "F"))
    assert first["category"].to_list() == [*NCMP_ORDER[:5], ALL_CHILDREN]
    assert la["school_year"].unique(maintain_order=True).to_list() == ["R", "6", "Total"]
    assert la["sex"].unique(maintain_order=True).to_list() == ["F", "M", "Total"]
    combined = next(t for t in laid_out if t.name == "la_combined").cells
    assert combined["category"].unique(maintain_order=True).to_list() == NCMP_ORDER[5:]
    ward = next(t for t in laid_out if t.name == "ward").cells
    assert ward["ward"].unique(maintain_order=True).to_list()[-1] == "Total"


def test_the_two_files_are_exactly_the_audited_cells(
    nhs_protected: Protected, laid_out: list[ReleaseTable]
) -> None:
    refuse_unaudited(laid_out, nhs_protected.protection.audit)  # digest of what is written
    for table in nhs_protected.tables:
        parts = [t for t in laid_out if t.cell_sources[0].table == table.name]
        assert [p.name for p in parts] == [table.name, f"{table.name}_combined"]
        assert sum(p.cells.height for p in parts) == table.cells.height
        assert sum(p.summary["primary"] for p in parts) == int(
            (nhs_protected.protection.tables[table.name]["status"] == "primary").sum()
        )


def test_wards_are_named_beside_their_codes(laid_out: list[ReleaseTable]) -> None:
    for name in ("ward", "ward_combined"):
        cells = next(t for t in laid_out if t.name == name).cells
        assert cells.columns[:2] == ["ward", "ward_name"]
        names = dict(cells.select("ward", "ward_name").unique().iter_rows())
        assert names["ward03"] == "Emberton" and names["Total"] == "Total"
        assert names["ward04"] == "x"  # not in the lookup given
        assert MEASURE in cells.columns
