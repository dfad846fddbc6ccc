"""Withdrawing a release marks it, with when and why, and deletes nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from ledger_releases import write_small_release

from pipeline.ledger.read import ledger_release
from pipeline.ledger.withdraw import withdraw_release
from pipeline.store import open_store
from pipeline.store.ledger_tables import LEDGER_TABLES
from schema.errors import PupilstatsError


def row_counts(con: object) -> dict[str, int]:
    tables = (*LEDGER_TABLES, "release_records", "release_population")
    return {
        t: con.execute(f"SELECT count(*) FROM {t}").fetchall()[0][0]  # type: ignore[attr-defined]
        for t in tables
    }


def test_a_withdrawn_release_keeps_every_row_and_its_folder(tmp_path: Path) -> None:
    db = tmp_path / "store.duckdb"
    folder = write_small_release(db, tmp_path / "releases")
    with open_store(db) as con:
        before = row_counts(con)
        withdrawn = withdraw_release(con, folder.name, "  a wrong census file was loaded  ")
        after = row_counts(con)
        again = ledger_release(con, folder.name)
    assert withdrawn == again
    assert withdrawn.withdrawn and withdrawn.shown_state == "withdrawn"
    assert withdrawn.state == "published"  # subject access still lists it: it was published
    assert withdrawn.withdrawn_reason == "a wrong census file was loaded"
    assert before == after and after["ledger_cells"] == 12
    assert (folder / "manifest.json").is_file()


def test_withdrawing_is_refused_twice_for_an_unknown_release_or_without_a_reason(
    tmp_path: Path,
) -> None:
    db = tmp_path / "store.duckdb"
    folder = write_small_release(db, tmp_path / "releases")
    with open_store(db) as con:
        with pytest.raises(PupilstatsError, match="no release 'nope' in the ledger"):
            withdraw_release(con, "nope", "why")
        with pytest.raises(PupilstatsError, match="a reason is required"):
            withdraw_release(con, folder.name, " ")
        with pytest.raises(PupilstatsError, match="must not contain a UPN"):
            withdraw_release(con, folder.name, "pupil A359400110011 complained")
        withdraw_release(con, folder.name, "first")
        with pytest.raises(PupilstatsError, match=r"was withdrawn on .* \(first\)"):
            withdraw_release(con, folder.name, "second")
        assert ledger_release(con, folder.name).withdrawn_reason == "first"
