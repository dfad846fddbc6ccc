"""Releases over time: one night after 1, 10, 100 and 1,000 changed pupils, with and without
the difference rule (issue 15).

Set-up (not timed): three years of the synthetic borough (48,000 pupils by default) are
loaded into a store and the first nightly release is made (``pupilstats run
nightly-performance``, which records it in the ledger). Then, for each number of changed
pupils, on a fresh copy of that store: the changes are made (half leavers of the latest year,
whose census row, KS2/KS4 result and absence are gone; half research opt-outs in force since
before the latest census), and the night is run

* with the rule, in a fresh process (``pupilstats run nightly-performance
  --difference-rule``: Python and
  Prefect start-up, the temporary server and the flow all count; the issue's target is
  under 60 s for 100 changed pupils);
* in this process without Prefect, the protection step with and without the rule (the
  seconds the rule adds, and the extra cells it suppresses);

and the independent attacker of ``tests/over_time/attacker.py`` (interval LP/MILP over the
published folders only, nothing of ``disclosure``) attacks the first release paired with
each: what it learns beyond what each place's total shows (attribute disclosures and
suppressed cells recovered or narrowed), knowing only that pupils left.

``python -m bench releases_over_time [--pupils 48000] [--changes 1,10,100,1000]``
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any

from bench.nightly_performance import prepare, run_cli
from bench.report import write_report

TARGET_SECONDS = 60.0
ATTACKER = Path(__file__).resolve().parent.parent / "tests" / "over_time"


def change_pupils(store: Path, count: int, seed: int = 11) -> dict[str, int]:
    """Half leavers of the latest year (rows gone from the latest deliveries), half research
    opt-outs in force since before the latest census; returns how many of each."""
    import numpy as np

    from pipeline.rights.consent_register import Instruction, record_instruction
    from pipeline.store import open_store

    rng = np.random.default_rng(seed)
    with open_store(store) as con:
        census_date = con.execute("SELECT max(census_date) FROM census").fetchone()[0]
        year = con.execute("SELECT max(academic_year) FROM ks2").fetchone()[0]
        upns = [
            r[0]
            for r in con.execute(
                "SELECT DISTINCT upn FROM census WHERE census_date = ? ORDER BY upn",
                [census_date],
            ).fetchall()
        ]
        chosen = [upns[i] for i in rng.choice(len(upns), size=count, replace=False)]
        leavers, opt_outs = chosen[: count // 2 + count % 2], chosen[count // 2 + count % 2 :]
        for upn in leavers:
            con.execute("DELETE FROM census WHERE upn = ? AND census_date = ?", [upn, census_date])
            for table in ("ks2", "ks4", "absence"):
                con.execute(f"DELETE FROM {table} WHERE upn = ? AND academic_year = ?", [upn, year])
        since = census_date - timedelta(days=20)
        for i, upn in enumerate(opt_outs):
            record_instruction(
                con, Instruction(upn, "research_opt_out", "parent", since, since, f"BENCH-{i}")
            )
    return {"leavers": len(leavers), "opt_outs": len(opt_outs)}


def protection_seconds(store: Path) -> tuple[dict[str, Any], Any, Any, Any]:
    """The protection step with and without the rule, in this process, on ``store``: the
    figures, both protections and the counted tables (with their history)."""
    from pipeline.profiles import load_profile
    from pipeline.releases.over_time import with_history
    from pipeline.releases.registry import NIGHTLY_PERFORMANCE, release_steps
    from pipeline.store import open_store

    spec = NIGHTLY_PERFORMANCE
    profile = load_profile(spec.default_profile)
    steps = release_steps(spec)
    with open_store(store) as con:
        counted = with_history(con, spec, steps.count(con, None, profile, {}))
    start = time.perf_counter()
    plain = steps.protect(counted, profile, {"difference_rule": False})
    plain_s = time.perf_counter() - start
    start = time.perf_counter()
    ruled = steps.protect(counted, profile, {"difference_rule": True})
    ruled_s = time.perf_counter() - start
    suppressed = {
        name: sum(
            int(frame["status"].is_in(["primary", "secondary"]).sum())
            for frame in protected.protection.tables.values()
        )
        for name, protected in (("plain", plain), ("ruled", ruled))
    }
    return (
        {
            "protect_without_rule_s": round(plain_s, 2),
            "protect_with_rule_s": round(ruled_s, 2),
            "rule_adds_s": round(ruled_s - plain_s, 2),
            "suppressed_without_rule": suppressed["plain"],
            "suppressed_with_rule": suppressed["ruled"],
            "extra_suppressed": suppressed["ruled"] - suppressed["plain"],
            "audit_with_rule": "passed" if ruled.audit.passed else "FAILED",
            "notes_with_rule": len(getattr(ruled.protection, "notes", ())),
        },
        plain,
        ruled,
        counted,
    )


def attacked(old: Path, new: Path) -> dict[str, int]:
    """The independent attacker on the pair, knowing pupils only left, beyond the totals."""
    sys.path.insert(0, str(ATTACKER))
    from attacker import attack_pair  # the tests' attacker: no import of disclosure

    report = attack_pair(old, new, removals_only=True, beyond_totals=True)
    return {
        "attribute_disclosures": len(report.attribute_disclosures),
        "cells_disclosed": len(report.disclosed_cells),
    }


def publish(store: Path, releases: Path, counted: Any, protected: Any) -> Path:
    """Publish a protected night (without Prefect) into ``releases``."""
    from flows.tasks.release import publish_release
    from pipeline.profiles import load_profile
    from pipeline.releases.registry import NIGHTLY_PERFORMANCE

    profile = load_profile(NIGHTLY_PERFORMANCE.default_profile)
    published = publish_release.fn(
        NIGHTLY_PERFORMANCE, store, releases, counted, protected, profile
    )
    return Path(published.folder)


def one_night(
    work: Path, base: Path, first: Path, count: int, env: dict[str, str]
) -> dict[str, Any]:
    """A fresh copy of the store after the first night, ``count`` changes, the night run."""
    copy = work / f"changes-{count}"
    shutil.copytree(base, copy, symlinks=True)
    store = copy / "store.duckdb"
    row: dict[str, Any] = {"changed_pupils": count, **change_pupils(store, count)}
    seconds, plain, _, counted = protection_seconds(store)  # before the night: same history
    row.update(seconds)
    reports = copy / "reports"
    args = ["run", "nightly-performance", "--difference-rule", "--db", str(store)]
    args += ["--reports", str(reports)]
    row["night_with_rule_s (Prefect incl.)"] = run_cli(args, env)
    with_rule = (reports / "releases" / "latest" / "nightly-performance").resolve()
    without_rule = publish(store, copy / "without-rule", replace(counted, history=None), plain)
    row.update({f"with_rule_{k}": v for k, v in attacked(first, with_rule).items()})
    row.update({f"without_rule_{k}": v for k, v in attacked(first, without_rule).items()})
    return row


def main(args: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench releases_over_time")
    parser.add_argument("--pupils", type=int, default=48_000)
    parser.add_argument("--changes", default="1,10,100,1000")
    options = parser.parse_args(args)
    env = dict(os.environ)
    env.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    env.setdefault("DO_NOT_TRACK", "1")
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        base = work / "base"
        base.mkdir()
        folders = prepare(options.pupils, base)
        store = ["--db", str(base / "store.duckdb"), "--reports", str(base / "reports")]
        first_s = run_cli(["run", "nightly-performance", "--input", str(folders[-1]), *store], env)
        first = (base / "reports" / "releases" / "latest" / "nightly-performance").resolve()
        for count in [int(c) for c in options.changes.split(",")]:
            row = {"pupils": options.pupils, "first_night_s": first_s}
            row.update(one_night(work, base, first, count, env))
            row["target_s"] = TARGET_SECONDS
            print(row, flush=True)
            rows.append(row)
    write_report(
        "releases_over_time",
        "Releases over time: one nightly release after n changed pupils, with and without "
        "the difference rule",
        rows,
        notes=(
            "night_with_rule_s: wall seconds of `pupilstats run nightly-performance` in a fresh "
            "process (Prefect included) after the changes, against the ledger holding the "
            "first night. protect_*_s: the protection step alone in the bench's process. "
            "with_rule_* / without_rule_*: the independent attacker of tests/over_time on the "
            "first release paired with the night's (knowing pupils only left), what it learns "
            "beyond each place's total: attribute disclosures of the changed pupils and "
            "suppressed cells recovered or narrowed inside 1..t-1."
        ),
    )
