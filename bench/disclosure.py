"""Secondary suppression against tau-ARGUS (pytauargus), on the same generated tables.

For hierarchical count tables of about 100, 2,000, 20,000 and 200,000 cells (geography
LA > ward > school, year group All > phase > year, and a flat characteristic with a total;
Poisson counts with gamma-distributed means, so small cells cluster as in real school data)
it runs our optimal and modular methods and tau-ARGUS OPT and MOD (frequency rule, threshold 3)
and reports seconds, primary and secondary suppressions, the total value of the secondary
suppressions, and OUR audit's verdict on both sides under the stricter rule (no suppressed cell
recovered exactly, no sensitive cell narrowed inside 1..t-1). Times are also given as a ratio to
tau-ARGUS MOD measured in the same process, which is robust to how busy the machine is.

pytauargus writes solver logs into the current directory whatever its ``workdir`` says, so it
is run from a temporary directory.

``python -m bench disclosure [--sizes 100,2000,20000,200000] [--tau-opt-max-cells CELLS]
[--no-tau] [--tau-limit SECONDS]`` (tau-ARGUS stopped after 600 s unless told otherwise).
"""

from __future__ import annotations

import argparse
import contextlib
import multiprocessing
import os
import queue
import signal
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from bench.report import write_report

THRESHOLD = 3
SHAPES: dict[int, tuple[int, int, int, int]] = {
    # size label: (wards, schools per ward, years, characteristic categories)
    100: (2, 2, 2, 2),
    2_000: (4, 5, 8, 6),
    20_000: (10, 12, 12, 9),
    200_000: (30, 30, 14, 12),
}
README = Path(__file__).with_name("README.md")


@dataclass(frozen=True)
class Generated:
    """A generated table, and the same units as microdata for tau-ARGUS."""

    table: Any
    microdata: dict[str, list[Any]]


def generated_table(size: int, seed: int = 2025) -> Generated:
    """A hierarchical count table of about ``size`` cells (see the module docstring)."""
    from disclosure import Dimension, Table

    wards, schools, years, chars = SHAPES[size]
    rng = np.random.default_rng(seed + size)
    geo: dict[str, str] = {}
    school_ward: dict[str, str] = {}
    for w in range(wards):
        geo[f"W{w:02d}"] = "Total"
        for s in range(schools):
            code = f"S{w:02d}{s:02d}"
            geo[code] = f"W{w:02d}"
            school_ward[code] = f"W{w:02d}"
    year: dict[str, str] = {"PH1": "Total", "PH2": "Total"}
    year_phase: dict[str, str] = {}
    for y in range(years):
        phase = "PH1" if y < years // 2 else "PH2"
        year[f"Y{y:02d}"] = phase
        year_phase[f"Y{y:02d}"] = phase
    dims = [
        Dimension("school", "Total", geo),
        Dimension("year", "Total", year),
        Dimension.flat("char", [f"C{c:02d}" for c in range(chars)]),
    ]
    grid = pl.DataFrame({d.name: [list(d.leaves)] for d in dims})
    for d in dims:
        grid = grid.explode(d.name)
    counts = rng.poisson(rng.gamma(1.2, 6.0, grid.height))
    leaves = grid.with_columns(pl.Series("value", counts))
    table = Table.from_leaf_cells(f"generated_{size}", leaves, dims)
    units = leaves.filter(pl.col("value") > 0).select(
        pl.col("school").repeat_by("value").explode(),
        pl.col("year").repeat_by("value").explode(),
        pl.col("char").repeat_by("value").explode(),
    )
    microdata = {
        "ward": [school_ward[s] for s in units["school"]],
        "school": units["school"].to_list(),
        "phase": [year_phase[y] for y in units["year"]],
        "year": units["year"].to_list(),
        "char": units["char"].to_list(),
        "one": [1] * units.height,
    }
    return Generated(table, microdata)


@contextlib.contextmanager
def _inside(directory: str) -> Iterator[None]:
    previous = os.getcwd()
    os.chdir(directory)
    try:
        yield
    finally:
        os.chdir(previous)


def tau_argus_pattern(
    generated: Generated, suppress: str, limit: float | None = None
) -> tuple[np.ndarray | None, float]:
    """tau-ARGUS's suppression pattern (aligned with ``table.cells``) and its seconds, with the
    frequency rule at our threshold; run from a temporary directory. With ``limit`` (seconds)
    it runs in a child process (spawned, in its own session), killed with everything it started
    when the limit passes: the pattern is then None and the seconds are the time waited."""
    if limit is None:
        rows, seconds = _tau_argus_rows(generated.microdata, suppress)
        return _tau_mask(generated.table, rows), seconds
    context = multiprocessing.get_context("spawn")
    results = context.Queue()
    child = context.Process(target=_tau_child, args=(generated.microdata, suppress, results))
    start = time.perf_counter()
    child.start()
    try:
        rows, seconds = results.get(timeout=limit)
    except queue.Empty:
        os.killpg(child.pid, signal.SIGKILL)  # the child and the tau-ARGUS solver it started
        child.join()
        return None, time.perf_counter() - start
    child.join()
    return _tau_mask(generated.table, rows), seconds


def _tau_child(microdata: dict[str, list[Any]], suppress: str, results: Any) -> None:
    """Run tau-ARGUS in a new session (so the parent can stop it and its solver together)."""
    os.setsid()
    results.put(_tau_argus_rows(microdata, suppress))


def _tau_argus_rows(
    microdata: dict[str, list[Any]], suppress: str
) -> tuple[list[tuple[str, str, str, str]], float]:
    """tau-ARGUS's cells as (school, year, char, status) and its seconds, in this process."""
    from pytauargus import protect as tau_protect

    with tempfile.TemporaryDirectory(prefix="tau_") as work, _inside(work):
        start = time.perf_counter()
        result = tau_protect(
            microdata,
            tables=[["school", "year", "char"]],
            response="one",
            safety_rules=f"FREQ({THRESHOLD},10)",
            suppress=suppress,
            hrc={"school": "school > ward", "year": "year > phase"},
            totcode="Total",
            workdir=work,
        )
        seconds = time.perf_counter() - start
        rows = result.tables[0].rows
    return [(r["school"], r["year"], r["char"], r["status"]) for r in rows], seconds


def _tau_mask(table: Any, rows: list[tuple[str, str, str, str]]) -> np.ndarray:
    """tau-ARGUS's suppressed cells as a mask aligned with ``table.cells``."""
    status = {(school, year, char): flag for school, year, char, flag in rows}
    keys = table.cells.select("school", "year", "char").rows()
    # cells absent from tau-ARGUS's output are empty (0) and published
    return np.array([status.get(tuple(k), "S") in ("U", "M") for k in keys], dtype=bool)


def _row(size: int, method: str, seconds: float, table: Any, mask: np.ndarray) -> dict[str, Any]:
    from disclosure import DFE, audit

    values = table.values.ravel()
    primary = (values >= 1) & (values < THRESHOLD)
    secondary = mask & ~primary
    report = audit([table], {table.name: mask}, DFE)
    return {
        "size": size,
        "cells": table.size,
        "method": method,
        "seconds": round(seconds, 2),
        "primary": int(primary.sum()),
        "secondary": int(secondary.sum()),
        "secondary_value": int(values[secondary].sum()),
        "unprotected_primaries": int((primary & ~mask).sum()),
        "our_audit": "pass" if report.passed else f"FAIL ({len(report.failures)} cells)",
    }


def _unfinished(size: int, method: str, seconds: float, table: Any) -> dict[str, Any]:
    """The row of a run stopped at its time limit."""
    return {
        "size": size,
        "cells": table.size,
        "method": f"{method} (not finished, stopped)",
        "seconds": round(seconds, 2),
        "primary": None,
        "secondary": None,
        "secondary_value": None,
        "unprotected_primaries": None,
        "our_audit": "n/a",
    }


def measure(
    size: int, tau_opt_max_cells: int, tau: bool = True, tau_limit: float | None = None
) -> list[dict[str, Any]]:
    """Our optimal and modular, tau-ARGUS MOD and OPT, on the table of ``size`` cells;
    tau-ARGUS stopped after ``tau_limit`` seconds (then its seconds are a lower bound)."""
    from disclosure import DFE, protect

    generated = generated_table(size)
    table = generated.table
    rows: list[dict[str, Any]] = []
    tau_rows: list[dict[str, Any]] = []
    tau_mod_seconds = float("nan")
    for suppress, label, wanted in (
        ("MOD(1,5)", "tau-ARGUS MOD", tau),
        ("OPT(1,5)", "tau-ARGUS OPT", tau and table.size <= tau_opt_max_cells),
    ):
        if not wanted:
            continue
        tau_mask, seconds = tau_argus_pattern(generated, suppress, tau_limit)
        if label == "tau-ARGUS MOD":
            tau_mod_seconds = seconds
        if tau_mask is None:
            tau_rows.append(_unfinished(size, label, seconds, table))
        else:
            tau_rows.append(_row(size, label, seconds, table, tau_mask))
        print(tau_rows[-1], flush=True)
    for method in ("optimal", "modular"):
        start = time.perf_counter()
        protection = protect([table], DFE, method=method)  # type: ignore[arg-type]
        seconds = time.perf_counter() - start
        frame = protection.tables[table.name]
        mask = frame["status"].is_in(["primary", "secondary"]).to_numpy()
        row = _row(size, f"ours {method}", seconds, table, mask)
        row["method"] = f"ours {method}" + (
            f" -> {protection.method}" if protection.method != method else ""
        )
        rows.append(row)
        print(row, flush=True)
    rows.extend(tau_rows)
    finished = [r["secondary_value"] for r in tau_rows if r["secondary_value"] is not None]
    best_tau = min(finished, default=None)
    for row in rows:
        # against an unfinished tau-ARGUS MOD the ratio is an upper bound ("<")
        ratio = round(row["seconds"] / max(round(tau_mod_seconds, 2), 0.01), 3) if tau else None
        mod_unfinished = any(r["method"].startswith("tau-ARGUS MOD (not") for r in tau_rows)
        row["vs_tau_MOD_time"] = (
            f"< {ratio}" if ratio is not None and mod_unfinished and row not in tau_rows else ratio
        )
        row["vs_best_tau_value"] = (
            round(row["secondary_value"] / max(best_tau, 1), 3)
            if best_tau is not None and row["secondary_value"] is not None
            else None
        )
    return rows


def main(args: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench disclosure")
    parser.add_argument("--sizes", default=",".join(str(s) for s in SHAPES))
    parser.add_argument(
        "--tau-opt-max-cells",
        type=int,
        default=None,
        help="skip tau-ARGUS OPT above this many cells (default: run it at every size)",
    )
    parser.add_argument("--no-tau", action="store_true", help="measure our methods only")
    parser.add_argument(
        "--tau-limit",
        type=float,
        default=600.0,
        help="stop each tau-ARGUS run after this many seconds (recorded as not finished); "
        "0 for no limit",
    )
    options = parser.parse_args(args)
    sizes = [int(s) for s in options.sizes.split(",") if s]
    unknown = [s for s in sizes if s not in SHAPES]
    if unknown:
        parser.error(f"unknown size(s) {unknown}; choose from {sorted(SHAPES)}")
    rows: list[dict[str, Any]] = []
    for size in sizes:
        rows.extend(
            measure(
                size,
                options.tau_opt_max_cells if options.tau_opt_max_cells is not None else sys.maxsize,
                tau=not options.no_tau,
                tau_limit=options.tau_limit or None,
            )
        )
    notes = (
        f"Frequency rule, threshold {THRESHOLD} (counts 1-2 primary), cost = cell value. "
        "`our_audit`: pupilstats' audit of each pattern under the stricter rule (no suppressed "
        "cell recovered exactly, no sensitive cell narrowed inside 1..t-1). "
        "`vs_tau_MOD_time`: seconds / tau-ARGUS MOD's seconds in the same run; "
        "`vs_best_tau_value`: secondary value / the better of tau-ARGUS OPT and MOD."
    )
    write_report("disclosure", "Secondary suppression: pupilstats vs tau-ARGUS", rows, notes)
