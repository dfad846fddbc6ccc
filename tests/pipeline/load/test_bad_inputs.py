"""The bad-input corpus (tests/data/bad): every file has its stated outcome, checked and loaded.

Each file either loads (rows accepted or quarantined with their reason, counts adding up:
read = accepted + quarantined), is rejected as a whole with one reason, or cannot be read,
with an error naming the file and the problem. None gives a traceback, a hang, or a silent
loss. ``EXPECTED.toml`` lists each file's outcome.
"""

from __future__ import annotations

import tomllib
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from expectations.limits import QualityLimits
from pipeline.load.check import check_file
from pipeline.load.commit import commit_staged
from pipeline.load.staging import stage_file
from pipeline.store import open_store
from schema.errors import BatchRejected, InputFileError

CORPUS = Path(__file__).parents[2] / "data" / "bad"
MANIFEST: dict[str, dict[str, Any]] = tomllib.loads((CORPUS / "EXPECTED.toml").read_text())
CENSUS_DATE = date(2025, 10, 2)
LA = 359


def kind_of(name: str) -> str:
    return MANIFEST[name].get("kind", name.split("_")[0])


def limits_for(name: str) -> QualityLimits:
    return QualityLimits(la_number=LA, max_bad_share=MANIFEST[name].get("max_bad_share", 1.0))


@cache
def geography() -> pl.DataFrame:
    return pl.read_csv(CORPUS / "_geography.csv", infer_schema_length=0)


@cache
def census_upns() -> pl.Series:
    _, outcome = check_file(CORPUS / "census_clean.csv", "census")
    return outcome.accepted["upn"]


def options(name: str) -> dict[str, Any]:
    expected = MANIFEST[name]
    return {
        "census_date": CENSUS_DATE,
        "geography": geography() if expected.get("geography") else None,
    }


def test_manifest_lists_every_file_and_at_least_thirty() -> None:
    files = {p.name for p in CORPUS.iterdir() if not p.name.startswith("_")} - {"EXPECTED.toml"}
    assert files == set(MANIFEST)
    assert len(files) >= 30
    assert all(p.stat().st_size < 8_000 for p in CORPUS.iterdir()), "corpus files stay tiny"


@pytest.mark.timeout(30)
@pytest.mark.parametrize("name", sorted(MANIFEST))
def test_checking_gives_the_stated_outcome(name: str) -> None:
    expected = MANIFEST[name]
    path = CORPUS / name
    kind = kind_of(name)
    upns = census_upns() if expected.get("census") else None
    if expected["outcome"] == "error":
        with pytest.raises(InputFileError) as raised:
            check_file(path, kind, limits=limits_for(name), census_upns=upns, **options(name))
        assert str(path) in str(raised.value)
        assert expected["message"] in raised.value.problem
        return
    check, outcome = check_file(
        path, kind, limits=limits_for(name), census_upns=upns, **options(name)
    )
    assert check.rows_read == check.rows_accepted + check.rows_quarantined
    # a row may fail several checks: each reason counts it, the total counts it once
    assert sum(check.quarantined_by_reason.values()) >= check.rows_quarantined
    assert bool(check.quarantined_by_reason) == bool(check.rows_quarantined)
    if expected["outcome"] == "rejected":
        assert not check.accepted
        assert list(check.batch_failures) == [expected["message"]]
        return
    assert check.accepted, check.batch_failures
    assert check.rows_read == expected["read"]
    assert check.rows_accepted == expected["accepted"]
    assert check.quarantined_by_reason == expected.get("quarantined", {})
    assert check.temporary_upns == expected.get("temporary_upns", 0)
    assert list(check.ignored_columns) == expected.get("ignored", [])
    if "lines" in expected:
        assert outcome.accepted["_line"].to_list() == expected["lines"]


LOADED = sorted(n for n, e in MANIFEST.items() if e["outcome"] != "error")


@pytest.mark.timeout(30)
@pytest.mark.parametrize("name", LOADED)
def test_loading_into_the_store_agrees_with_the_check(name: str, tmp_path: Path) -> None:
    expected = MANIFEST[name]
    kind = kind_of(name)
    with open_store(tmp_path / "store.duckdb") as con:
        if expected.get("census"):
            stage_file(con, CORPUS / "census_clean.csv", "census")
            commit_staged(con, "census", limits=limits_for(name), census_date=CENSUS_DATE)
        staged = stage_file(con, CORPUS / name, kind, **options(name))
        if expected["outcome"] == "rejected":
            with pytest.raises(BatchRejected) as raised:
                commit_staged(con, kind, limits=limits_for(name), census_date=CENSUS_DATE)
            assert str(raised.value) == f"{CORPUS / name}: rejected: {expected['message']}"
            assert con.sql(f"SELECT count(*) FROM {kind}").fetchall() == [(0,)]
            return
        report = commit_staged(con, kind, limits=limits_for(name), census_date=CENSUS_DATE)
        stored = con.sql(f"SELECT count(*) FROM {kind}").fetchall()[0][0]
        quarantined = con.execute(
            "SELECT count(DISTINCT line) FROM quarantine WHERE load_id = ?", [staged.load_id]
        ).fetchall()[0][0]
    assert report.rows_read == expected["read"] == stored + quarantined
    assert report.rows_accepted == expected["accepted"] == stored
    assert report.quarantined_by_reason == expected.get("quarantined", {})
