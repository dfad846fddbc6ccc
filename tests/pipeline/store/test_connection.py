"""The pupil-level store is created owner-only, with every table of the schema."""

from __future__ import annotations

import stat
from pathlib import Path

from pipeline.store import open_store
from schema.inputs import INPUTS


def test_store_is_owner_only_and_has_every_table(tmp_path: Path) -> None:
    db = tmp_path / "private" / "store.duckdb"
    with open_store(db) as con:
        names = {r[0] for r in con.sql("SHOW TABLES").fetchall()}
    assert set(INPUTS) | {"quarantine", "loads", "statistics_eligible_census"} <= names
    assert stat.S_IMODE(db.stat().st_mode) == 0o600
    assert stat.S_IMODE(db.parent.stat().st_mode) == 0o700
