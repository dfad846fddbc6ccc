"""Scaling curve of the funding round, stage by stage, without Prefect.

For boroughs of 6,000 to 48,000 pupils: seconds to generate and write the files, read and
stage them, validate and commit, aggregate the six funding tables, protect them (optimal
and heuristic secondary suppression, linked), audit, and write the release. The optimal
method's time is also given as a ratio to the heuristic's on the same tables, measured in the
same process, which is robust to how busy the machine is.

``python -m bench funding_round [--pupils 6000,12000,24000,48000]``
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

from bench.report import measure_each_size, write_report

T = TypeVar("T")
CENSUS_DATE = date(2025, 10, 2)


def timed(stage: str, times: dict[str, float], work: Callable[[], T]) -> T:
    start = time.perf_counter()
    result = work()
    times[stage] = round(time.perf_counter() - start, 3)
    return result


def measure(pupils: int, work: Path) -> dict[str, Any]:
    """One funding round on a fresh borough of ``pupils`` pupils, timed per stage."""
    from disclosure import DFE, audit, protect
    from pipeline.load.inputs import commit_inputs, find_input_files, stage_inputs
    from pipeline.release.tables import input_digests, release_tables
    from pipeline.release.writer import write_release
    from pipeline.releases.funding_round.tables import funding_tables
    from pipeline.store import open_store
    from pipeline.synthetic import generate_borough, write_borough

    times: dict[str, float] = {}
    inputs = work / "inputs"
    timed("generate", times, lambda: write_borough(generate_borough(pupils=pupils, seed=7), inputs))
    with open_store(work / "store.duckdb") as con:
        staged = timed("read", times, lambda: stage_inputs(con, find_input_files(inputs)))
        timed("validate", times, lambda: commit_inputs(con, [s.input for s in staged]))
        tables = timed("aggregate", times, lambda: funding_tables(con, CENSUS_DATE))
        digests = input_digests(con, ["schools", "census", "consent"])
    protection = timed("protect", times, lambda: protect(tables, DFE))
    heuristic = timed("protect_heuristic", times, lambda: protect(tables, DFE, method="heuristic"))
    report = timed("audit", times, lambda: audit(tables, protection, DFE))
    timed(
        "release",
        times,
        lambda: write_release(
            releases_dir=work / "releases",
            flow="bench",
            reference_date=CENSUS_DATE.isoformat(),
            profile=DFE,
            tables=release_tables(tables, protection, "pupils"),
            inputs=digests,
            audit=report,
        ),
    )
    summary = protection.summary()
    loss = protection.information_loss()
    fast = heuristic.information_loss()
    return {
        "pupils": pupils,
        "cells": sum(s["cells"] for s in summary.values()),
        **{f"{k}_s": v for k, v in times.items()},
        "total_s": round(sum(v for k, v in times.items() if k != "protect_heuristic"), 3),
        "optimal/heuristic time": round(
            times["protect"] / max(times["protect_heuristic"], 1e-9), 2
        ),
        "secondary value optimal": sum(s["suppressed_value_total"] for s in loss.values()),
        "secondary value heuristic": sum(s["suppressed_value_total"] for s in fast.values()),
        "audit": "passed" if report.passed else "FAILED",
    }


def main(args: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench funding_round")
    parser.add_argument("--pupils", default="6000,12000,24000,48000")
    options = parser.parse_args(args)
    rows = measure_each_size(options.pupils, measure)
    write_report(
        "funding_round",
        "Funding round: seconds per stage by borough size (no Prefect)",
        rows,
        notes=(
            "Suppressed value totals count each suppressed cell's true value (primary and "
            "secondary) over all six tables."
        ),
    )
