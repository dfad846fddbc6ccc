"""Validation of a borough's input files: seconds by borough size, and as a ratio to a read.

For boroughs of 6,000 to 48,000 pupils (with ``--defects`` rows planted by the generator):
seconds to read and parse every input into staging, to validate them with the Great
Expectations suites and commit the accepted rows (quarantining the rest), and to write the
run's Data Docs. The peer, run in the same process on the same files, is a plain
``polars.read_csv`` of every file: the ratio "validate / plain read" says what validation
costs over merely reading the data, independent of how busy the machine is. The issue's
target: the 48,000-pupil borough validates in under 30 s on 2 cores.

Also checked: rows read = accepted + quarantined over every file (that each planted defect
is quarantined with its reason is a test: tests/pipeline/synthetic/).

``python -m bench validation [--pupils 6000,12000,24000,48000] [--defects 0.01]``
"""

from __future__ import annotations

import argparse
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

from bench.funding_round import timed
from bench.report import write_report

CENSUS_DATE = date(2025, 10, 2)
TARGET_SECONDS = 30.0


def plain_read_seconds(files: dict[str, Path]) -> float:
    """The peer: read every input CSV with polars, all columns as text, no checks."""
    import polars as pl

    start = time.perf_counter()
    for path in files.values():
        pl.read_csv(path, infer_schema_length=0)
    return time.perf_counter() - start


def measure(pupils: int, defects: float, work: Path) -> dict[str, Any]:
    """Validate a fresh borough of ``pupils`` pupils, timed per stage."""
    from expectations.docs import DocsEntry
    from pipeline.load.inputs import commit_inputs, find_input_files, stage_inputs
    from pipeline.load.quality_report import write_quality_report
    from pipeline.store import open_store
    from pipeline.synthetic import generate_borough, write_borough

    times: dict[str, float] = {}
    inputs = work / "inputs"
    borough = generate_borough(pupils=pupils, seed=7, defects=defects)
    write_borough(borough, inputs)
    files = find_input_files(inputs)
    peer = plain_read_seconds(files)
    docs: list[DocsEntry] = []
    with open_store(work / "store.duckdb") as con:
        staged = timed("read", times, lambda: stage_inputs(con, files))
        reports = timed(
            "validate",
            times,
            lambda: commit_inputs(
                con, [s.input for s in staged], census_date=CENSUS_DATE, docs=docs
            ),
        )
    checks = [r.as_check() for r in reports]
    timed(
        "data_docs",
        times,
        lambda: write_quality_report(work / "quality", "bench", checks, docs),
    )
    read = sum(c.rows_read for c in checks)
    accepted = sum(c.rows_accepted for c in checks)
    quarantined = sum(c.rows_quarantined for c in checks)
    total = times["read"] + times["validate"] + times["data_docs"]
    return {
        "pupils": pupils,
        "rows read": read,
        "accepted": accepted,
        "quarantined": quarantined,
        "counts add up": read == accepted + quarantined,
        **{f"{k}_s": v for k, v in times.items()},
        "total_s": round(total, 3),
        "plain_read_s": round(peer, 3),
        "total/plain read": round(total / max(peer, 1e-9), 1),
        "under 30 s": total < TARGET_SECONDS,
    }


def main(args: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench validation")
    parser.add_argument("--pupils", default="6000,12000,24000,48000")
    parser.add_argument("--defects", type=float, default=0.01)
    options = parser.parse_args(args)
    rows = []
    for pupils in [int(p) for p in options.pupils.split(",")]:
        with tempfile.TemporaryDirectory() as work:
            rows.append(measure(pupils, options.defects, Path(work)))
            print(rows[-1], flush=True)
    write_report(
        "validation",
        "Validation: seconds to read, validate (GX) and write Data Docs, by borough size",
        rows,
        notes=(
            "All inputs of the synthetic borough (schools, census, consent, KS2, KS4, absence, "
            "NCMP) with the generator's planted defects. 'plain read' is polars.read_csv of the "
            "same files in the same process. Target: the 48,000-pupil borough under 30 s."
        ),
    )
