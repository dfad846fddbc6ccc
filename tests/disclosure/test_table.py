from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from disclosure import AdditivityError, Dimension, Table, TableError

from .cases import microdata1_counts, region_by_gender


def school() -> Dimension:
    return Dimension("school", "LA", {"PRI": "LA", "SEC": "LA", "1": "PRI", "2": "PRI", "3": "SEC"})


def fsm() -> Dimension:
    return Dimension.flat("fsm", ["Y", "N"])


def pupils() -> pl.DataFrame:
    return pl.DataFrame(
        {"laestab": ["1", "1", "1", "2", "3", "3"], "fsm": ["Y", "N", "N", "N", "Y", "Y"]}
    )


def test_from_microdata_counts_every_cell_of_the_cross_product() -> None:
    table = Table.from_microdata("t", pupils(), [school(), fsm()], columns={"school": "laestab"})
    cells = {(s, f): v for s, f, v in table.cells.iter_rows()}
    assert len(cells) == 6 * 3
    assert cells[("1", "Y")] == 1 and cells[("1", "N")] == 2 and cells[("2", "Y")] == 0
    assert cells[("PRI", "N")] == 3 and cells[("SEC", "Total")] == 2
    assert cells[("LA", "Total")] == 6 and cells[("LA", "Y")] == 3
    assert table.cells.schema == pl.Schema({"school": pl.Utf8, "fsm": pl.Utf8, "value": pl.Int64})
    assert table.cells["school"].to_list()[:3] == ["LA", "LA", "LA"]  # first dimension slowest


def test_from_microdata_matches_sdctable_counts() -> None:
    table = region_by_gender()
    cells = {(r, g): v for r, g, v in table.cells.iter_rows()}
    for key, count in microdata1_counts().items():
        assert cells[key] == count
    assert cells[("total", "total")] == 100


def test_from_microdata_rejects_unknown_and_non_leaf_codes() -> None:
    bad = pupils().with_columns(pl.Series("laestab", ["1", "1", "9", "2", "3", "PRI"]))
    with pytest.raises(TableError, match="'9'") as error:
        Table.from_microdata("t", bad, [school(), fsm()], columns={"school": "laestab"})
    assert "'PRI'" in str(error.value)


def test_from_cells_round_trips_and_reports_every_failing_relation() -> None:
    table = Table.from_microdata("t", pupils(), [school(), fsm()], columns={"school": "laestab"})
    again = Table.from_cells("t", table.cells, [school(), fsm()])
    assert np.array_equal(again.values, table.values)

    broken = table.cells.with_columns(
        pl.when((pl.col("school") == "1") & (pl.col("fsm") == "Y"))
        .then(5)
        .otherwise(pl.col("value"))
        .alias("value")
    )
    with pytest.raises(AdditivityError) as error:
        Table.from_cells("t", broken, [school(), fsm()])
    failures = {
        (f.dimension, tuple(f.parent.values()), f.value, f.children_sum)
        for f in error.value.failures
    }
    assert failures == {
        ("school", ("PRI", "Y"), 1, 5),  # PRI,Y is 1 but its schools now sum to 5
        ("fsm", ("1", "Total"), 3, 7),  # school 1's roll is 3 but Y + N = 7
    }
    assert "school=1, fsm=Total" in str(error.value)


def test_from_cells_rejects_duplicates() -> None:
    table = region_by_gender()
    with pytest.raises(TableError, match="duplicate"):
        Table.from_cells("t", pl.concat([table.cells, table.cells.head(1)]), table.dimensions)


def test_relations_hold_for_the_table_and_have_one_row_per_parent_and_dimension() -> None:
    table = Table.from_microdata("t", pupils(), [school(), fsm()], columns={"school": "laestab"})
    matrix = table.relations()
    # school axis: 3 parents (LA, PRI, SEC) x 3 fsm codes; fsm axis: 1 parent x 6 school codes
    assert matrix.shape == (9 + 6, 18)
    assert not (matrix @ table.values.ravel()).any()
    assert sorted(np.unique(matrix.data)) == [-1.0, 1.0]
    row = matrix.getrow(0).toarray().ravel()
    assert table.coordinates(int(np.flatnonzero(row == 1)[0])) == {"school": "LA", "fsm": "Total"}
    children = {table.coordinates(int(i))["school"] for i in np.flatnonzero(row == -1)}
    assert children == {"PRI", "SEC"}


def test_negative_counts_and_wrong_shapes_are_rejected() -> None:
    with pytest.raises(TableError, match="negative"):
        Table("t", [fsm()], np.array([0, 1, -1]))
    with pytest.raises(TableError, match="shape"):
        Table("t", [fsm()], np.array([1, 1]))
