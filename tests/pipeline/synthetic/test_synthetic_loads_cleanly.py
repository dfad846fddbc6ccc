"""Loading a synthetic borough with the project's loader quarantines exactly the recorded
defects, each for the reason its kind names, and accepts every other row."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from pipeline.load.inputs import commit_inputs, find_input_files, stage_inputs
from pipeline.store import open_store
from pipeline.synthetic import generate_borough, write_borough


def test_loader_quarantines_exactly_the_recorded_defects(tmp_path: Path) -> None:
    borough = generate_borough(pupils=2_000, seed=13, defects=0.02)
    files = write_borough(borough, tmp_path / "borough")
    with open_store(tmp_path / "store.duckdb") as con:
        staged = stage_inputs(con, find_input_files(tmp_path / "borough"))
        reports = commit_inputs(con, [s.input for s in staged])
        quarantined = con.sql(
            "SELECT input, line, min(reason) AS reason FROM quarantine GROUP BY input, line"
        ).pl()
    recorded = pl.read_csv(files["defects"]).with_columns(
        pl.col("file").str.replace(r"\.csv$", "").alias("input")
    )
    expected = sorted(recorded.select("input", "line").unique().rows())
    assert sorted(quarantined.select("input", "line").rows()) == expected
    reasons = recorded.join(quarantined, on=["input", "line"])
    assert reasons.filter(~pl.col("reason").str.starts_with(pl.col("kind"))).height == 0
    for report in reports:
        assert report.rows_read == borough.frames[report.input].height
        assert report.rows_quarantined == len({d.row for d in borough.defects_in(report.input)})
