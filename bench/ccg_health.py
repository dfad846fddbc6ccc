"""The CCG health release on the 48,000-pupil synthetic borough: wall-clock, Prefect included.

Each measurement runs ``pupilstats run ccg-health --academic-year 2025/26 --input <files>`` as
a fresh process (so Prefect's temporary server start-up, loading and validating every input
file, classification, protection, the audit over all tables and the release are all in it):
first with a new ``PREFECT_HOME`` (cold: Prefect creates its database), then again with the
same one (warm: how a council's second run starts). Then the stages again in one process
without Prefect, on the store the runs filled: classify and count, protect and audit (the
split of ``pipeline.releases.ccg_health.protection``), write the release. Target (issue 6):
under 60 s on 2 cores, Prefect start-up included.

``python -m bench ccg_health [--pupils 48000]``
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from bench.funding_round import timed
from bench.report import measure_each_size, write_report

ACADEMIC_YEAR = "2025/26"
TARGET_SECONDS = 60.0


def run_flow(inputs: Path, work: Path, prefect_home: Path) -> float:
    """Seconds for one ``pupilstats run ccg-health`` process, from start to exit."""
    env = {
        **os.environ,
        "PREFECT_HOME": str(prefect_home),
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "DO_NOT_TRACK": "1",
        "GX_ANALYTICS_ENABLED": "false",
    }
    command = [
        str(Path(sys.executable).with_name("pupilstats")),
        "run",
        "ccg-health",
        "--academic-year",
        ACADEMIC_YEAR,
        "--input",
        str(inputs),
        "--db",
        str(work / "store.duckdb"),
        "--reports",
        str(work / "reports"),
    ]
    start = time.perf_counter()
    subprocess.run(command, env=env, check=True, capture_output=True)
    return time.perf_counter() - start


def stages(work: Path) -> dict[str, Any]:
    """The flow's stages without Prefect, on the store the runs filled."""
    from pipeline.profiles import load_profile
    from pipeline.release.writer import write_release
    from pipeline.releases.ccg_health.measurements import classified_year
    from pipeline.releases.ccg_health.protection import protect_health_tables
    from pipeline.releases.ccg_health.publication import health_release_tables
    from pipeline.releases.ccg_health.tables import health_tables
    from pipeline.store import open_store

    times: dict[str, float] = {}
    profile = load_profile("nhs")

    def classify_and_count() -> tuple[Any, list[Any]]:
        with open_store(work / "store.duckdb") as con:
            year = classified_year(con, ACADEMIC_YEAR)
            return year, health_tables(con, year.children, year.census_date, by_school=False)

    year, tables = timed("classify_count", times, classify_and_count)
    protection = timed("protect_audit", times, lambda: protect_health_tables(tables, profile))
    timed(
        "release",
        times,
        lambda: write_release(
            releases_dir=work / "bench-releases",
            flow="bench",
            reference_date=year.reference_date.isoformat(),
            profile=profile,
            tables=health_release_tables(tables, protection),
            inputs=[],
            audit=protection.audit,
        ),
    )
    summary = protection.summary()
    return {
        "children": year.children.height,
        "unique cells": protection.stats["unique_cells"],
        "primary": sum(s["primary"] for s in summary.values()),
        "secondary": sum(s["secondary"] for s in summary.values()),
        **{f"{k}_s": v for k, v in times.items()},
        "audit": "passed" if protection.audit.passed else "FAILED",
        "escalated": bool(protection.notes),
    }


def measure(pupils: int, work: Path) -> dict[str, Any]:
    from pipeline.synthetic import generate_borough, write_borough

    inputs = work / "inputs"
    write_borough(generate_borough(pupils=pupils, seed=7), inputs)
    home = work / "prefect"
    cold = run_flow(inputs, work, home)
    warm = run_flow(inputs, work, home)
    return {
        "pupils": pupils,
        "flow cold_s": round(cold, 1),
        "flow warm_s": round(warm, 1),
        "under 60 s (warm)": warm < TARGET_SECONDS,
        **stages(work),
    }


def main(args: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench ccg_health")
    parser.add_argument("--pupils", default="48000")
    options = parser.parse_args(args)
    rows = measure_each_size(options.pupils, measure)
    write_report(
        "ccg_health",
        "CCG health release: wall-clock seconds of `pupilstats run ccg-health --input`",
        rows,
        notes=(
            "flow cold: fresh PREFECT_HOME (Prefect creates its database); flow warm: the same "
            "PREFECT_HOME again. Both include Prefect's temporary server start-up, loading and "
            "validating every input file, classification, protection, the audit over all four "
            "tables together and the release. The stage columns are one process without "
            "Prefect on the filled store. Target: under 60 s on 2 cores."
        ),
    )
