"""The nightly performance flow on the 48,000-pupil borough: wall time, Prefect included.

Set-up (not timed): three years of the synthetic borough are generated and written, and the
two earlier years loaded into a fresh store with the real loader. Then, each in a fresh
process started with ``pupilstats run nightly-performance`` (so Python and Prefect start-up,
the temporary Prefect server and the flow all count):

* ``nightly``: the latest year's files loaded and validated, then the three years aggregated,
  protected, audited and released (what a night does when a new delivery arrives);
* ``store only``: the same release from what the store holds (no input folder).

And, in this process without Prefect, the flow's stages one by one on the same store
(aggregate, protect, audit, release tables), with the cells, suppressions and audit verdict.
The issue's target: under 60 s on 2 cores, Prefect start-up included.

``python -m bench nightly_performance [--pupils 48000] [--method heuristic]``
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.funding_round import timed
from bench.report import write_report

TARGET_SECONDS = 60.0


def run_cli(args: list[str], env: dict[str, str]) -> float:
    """Seconds for one ``pupilstats`` command in a fresh process (it must succeed)."""
    command = [sys.executable, "-c", "from cli import main; main()", *args]
    start = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return round(seconds, 2)


def prepare(pupils: int, work: Path) -> list[Path]:
    """Write three years of the borough and load the two earlier ones into the store."""
    from pipeline.load.inputs import commit_inputs, find_input_files, stage_inputs
    from pipeline.store import open_store
    from pipeline.synthetic.history import generate_history, write_history

    folders = write_history(generate_history(pupils=pupils, seed=7), work / "inputs")
    with open_store(work / "store.duckdb") as con:
        for folder in folders[:-1]:
            staged = stage_inputs(con, find_input_files(folder))
            commit_inputs(con, [s.input for s in staged])
    return folders


def stages(work: Path, method: str) -> dict[str, Any]:
    """The flow's stages in this process (no Prefect), timed, on the store as it is now."""
    from pipeline.profiles import load_profile
    from pipeline.releases.nightly_performance import (
        audit_populations,
        performance_populations,
        performance_release_tables,
        protect_populations,
        release_years,
    )
    from pipeline.releases.registry import NIGHTLY_PERFORMANCE
    from pipeline.store import open_store

    profile = load_profile(NIGHTLY_PERFORMANCE.default_profile)
    times: dict[str, float] = {}
    with open_store(work / "store.duckdb") as con:
        populations = timed(
            "aggregate", times, lambda: performance_populations(con, release_years(con))
        )
    protection = timed(
        "protect", times, lambda: protect_populations(populations, profile, method=method)
    )
    report = timed("audit", times, lambda: audit_populations(populations, protection, profile))
    tables = timed(
        "release_tables",
        times,
        lambda: performance_release_tables(populations, protection, profile),
    )
    summaries = protection.summaries.values()
    return {
        **{f"{k}_s": v for k, v in times.items()},
        "populations": len(populations),
        "cells": sum(s["cells"] for s in summaries),
        "primary": sum(s["primary"] for s in summaries),
        "secondary": sum(s["secondary"] for s in summaries),
        "release_tables": len(tables),
        "slowest_population": max(protection.seconds, key=protection.seconds.__getitem__),
        "slowest_population_s": max(protection.seconds.values()),
        "audit": "passed" if report.passed and protection.audit.passed else "FAILED",
    }


def main(args: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench nightly_performance")
    parser.add_argument("--pupils", type=int, default=48_000)
    parser.add_argument("--method", default="heuristic")
    options = parser.parse_args(args)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        folders = prepare(options.pupils, work)
        env = dict(os.environ)
        env.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
        env.setdefault("DO_NOT_TRACK", "1")
        store = ["--db", str(work / "store.duckdb"), "--reports", str(work / "reports")]
        nightly = run_cli(["run", "nightly-performance", "--input", str(folders[-1]), *store], env)
        store_only = run_cli(["run", "nightly-performance", *store], env)
        row = {
            "pupils": options.pupils,
            "nightly_s (load latest year + release 3 years, Prefect incl.)": nightly,
            "store_only_s (Prefect incl.)": store_only,
            "target_s": TARGET_SECONDS,
            "met": "yes" if nightly < TARGET_SECONDS else "NO",
            **stages(work, options.method),
            "prefect_home": env.get("PREFECT_HOME", "(default)"),
        }
    print(row, flush=True)
    write_report(
        "nightly_performance",
        "Nightly performance flow: seconds on the synthetic borough (fresh process each)",
        [row],
        notes=(
            "nightly_s and store_only_s are wall seconds of `pupilstats run nightly-performance` "
            "in a fresh process: Python and Prefect start-up, Prefect's temporary server, the "
            "flow and its artifacts. Stage seconds (`*_s` after them) are measured in the "
            "bench's own process without Prefect, on the store after the nightly run."
        ),
    )
