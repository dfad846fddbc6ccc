"""The published health tables (issue 6 acceptance): counts 0 or multiples of 5, none in 1-7;
percentages and Wilson intervals recomputed here from the published figures alone."""

from __future__ import annotations

import math

import polars as pl
import pytest

from disclosure import Protection, Table
from pipeline.release.published import ReleaseTable
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
