"""An earlier release's audited tables read back from the ledger are the ones recorded."""

from __future__ import annotations

from pathlib import Path

import polars as pl
from ledger_releases import small_release, write_small_release

from pipeline.ledger.cells import recorded_cells, recorded_tables
from pipeline.store import open_store


def test_the_recorded_tables_read_back_as_they_were_recorded(tmp_path: Path) -> None:
    db = tmp_path / "store.duckdb"
    folder = write_small_release(db, tmp_path / "releases")
    _, _, entry = small_release()
    with open_store(db) as con:
        (table,) = recorded_tables(con, folder.name)
        cells = recorded_cells(con, folder.name)
        dimensions = con.execute(
            "SELECT dimension, total, parents, attribute FROM ledger_dimensions ORDER BY position"
        ).fetchall()
        codes = con.execute("SELECT codes FROM ledger_cells ORDER BY cell LIMIT 2").fetchall()
        assert recorded_tables(con, "no-such-release") == []
    (expected,) = entry.tables
    assert table.name == expected.name and table.dimensions == expected.dimensions
    assert table.attributes == frozenset({"sex"}) and table.measure_kind == "count"
    assert (table.population, table.population_sql) == (
        expected.population,
        expected.population_sql,
    )
    assert table.cells["value"].dtype == pl.Int64
    assert table.cells.drop("value").equals(expected.cells.drop("value"))
    assert table.cells["value"].to_list() == expected.cells["value"].cast(pl.Int64).to_list()
    assert set(table.cells["status"]) == {"safe", "primary", "secondary"}
    assert list(cells) == [table.name] and cells[table.name].equals(table.cells)
    assert dimensions == [
        ("school", "Total", '{"3592001": "Total", "3592002": "Total", "3592003": "Total"}', False),
        ("sex", "Total", '{"F": "Total", "M": "Total"}', True),
    ]
    assert codes == [('{"school":"Total","sex":"Total"}',), ('{"school":"Total","sex":"F"}',)]
