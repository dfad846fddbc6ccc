"""A flow run reads the store as one snapshot (``flows.releases`` holds the store lock from
its first read to its release): a load that comes while a funding round is between counting
and writing its release waits for the run and commits after it, so the release's tables,
the input files' sha256 in its manifest and the record of its population are all of the
delivery the run counted."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.releases.funding_round.population import funding_population
from pipeline.settings import LOCK_WAIT_ENV, PROJECT_ROOT
from pipeline.store import open_store
from tests.flows.deliveries import deliver, write_delivery

CENSUS_DATE = "2025-10-02"
AUTUMN = "a" * 64
RESUBMITTED = "b" * 64

LOAD = """
import sys
from pathlib import Path
from pipeline.store import open_store
from pipeline.store.lock import store_lock
from tests.flows.deliveries import deliver
db, folder, sha256 = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]
print("ready", flush=True)
sys.stdin.readline()
with store_lock(db, command="pupilstats load", on_wait=lambda words: print(words, flush=True)):
    with open_store(db) as con:
        deliver(con, folder, sha256)
print("committed", flush=True)
"""
"""Another process loading a delivery once told to go (its imports done before, so the run
does not wait for them): says when it starts waiting for the store, and when it has
committed."""


@pytest.fixture(scope="module")
def deliveries(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("deliveries")
    return {
        "autumn": write_delivery(root / "autumn", pupils=500, seed=21),
        "resubmitted": write_delivery(root / "resubmitted", pupils=700, seed=22),
    }


def population(db: Path) -> tuple[int, int]:
    """The funding population now in the store: pupils, and registrations counted."""
    from datetime import date

    with open_store(db) as con:
        rows = funding_population(con, date.fromisoformat(CENSUS_DATE))
    return rows["upn"].n_unique(), rows.filter("counted").height


def la_total(release: Path) -> int:
    with (release / "funding_key_stage.csv").open() as handle:
        rows = csv.DictReader(handle)
        return next(int(r["pupils"]) for r in rows if r["school"] == r["key_stage"] == "Total")


def test_a_load_during_a_run_waits_and_the_release_is_of_one_delivery(
    prefect_harness: None,
    deliveries: dict[str, Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import flows.releases as releases

    db = tmp_path / "store" / "pupilstats.duckdb"
    with open_store(db) as con:
        deliver(con, deliveries["autumn"], AUTUMN)
    autumn = population(db)
    load = subprocess.Popen(
        [sys.executable, "-c", LOAD, str(db), str(deliveries["resubmitted"]), RESUBMITTED],
        cwd=PROJECT_ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, LOCK_WAIT_ENV: "120"},
    )
    assert load.stdin is not None and load.stdout is not None
    protect = releases.protect_release

    def load_then_protect(*args: object, **kwargs: object) -> object:
        """Between counting and writing the release: a load of the resubmitted delivery."""
        assert load.stdin is not None and load.stdout is not None
        assert load.stdout.readline().strip() == "ready"
        load.stdin.write("go\n")
        load.stdin.flush()
        waiting = load.stdout.readline()
        assert waiting.startswith(
            f"waiting up to 120 s for the store {db}: in use by the funding-round flow "
            "(Prefect flow run "
        )
        assert f"(pid {os.getpid()}, since " in waiting
        return protect(*args, **kwargs)

    monkeypatch.setattr(releases, "protect_release", load_then_protect)
    result = releases.RELEASE_FLOWS["funding-round"](
        period=CENSUS_DATE, db=db, reports=tmp_path / "reports"
    )

    assert load.wait(timeout=60) == 0
    assert load.stdout.read().strip() == "committed"
    resubmitted = population(db)
    assert resubmitted != autumn  # the load did commit, after the run
    manifest = json.loads((result.release / "manifest.json").read_text())
    assert {i["input"]: i["sha256"] for i in manifest["inputs"]} == dict.fromkeys(
        ("census", "consent", "schools"), AUTUMN
    )
    with open_store(db) as con:
        recorded = con.execute(
            "SELECT count(*) FROM release_population WHERE release_id = ?",
            [result.release.name],
        ).fetchall()[0][0]
    assert recorded == autumn[0]
    assert la_total(result.release) == autumn[1]
