"""The ledger and individual rights: it holds no identifier, so subject access does not list
it, erasure does not touch it and retention keeps it as long as the releases it describes."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from ledger_releases import publish_run, run_steps

from pipeline.ledger.cells import recorded_cells
from pipeline.releases.registry import release_spec
from pipeline.rights import retention
from pipeline.rights.corrections import erase_pupil
from pipeline.rights.retention import apply_retention, load_schedule
from pipeline.rights.subject_access import subject_access_bundle
from pipeline.store import open_store
from pipeline.store.ledger_tables import LEDGER_TABLES


def counts(con: object, tables: tuple[str, ...]) -> dict[str, int]:
    return {
        t: con.execute(f"SELECT count(*) FROM {t}").fetchall()[0][0]  # type: ignore[attr-defined]
        for t in tables
    }


@pytest.mark.slow
class _In2099(date):
    """Today is in 2099 (a retention run may be as of a year after today at most)."""

    @classmethod
    def today(cls) -> date:  # type: ignore[override]
        return date(2099, 6, 1)


def test_subject_access_erasure_and_retention_leave_the_ledger_alone(
    store: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    spec = release_spec("funding-round")
    published = publish_run(spec, store, tmp_path / "releases", run_steps(spec, store))
    kept = (*LEDGER_TABLES, "release_records")
    with open_store(store) as con:
        before = counts(con, kept)
        cells = recorded_cells(con, published.release_id)
        (upn,) = con.execute(
            "SELECT upn FROM statistics_eligible_census WHERE nc_year = '9' ORDER BY upn LIMIT 1"
        ).fetchone()
        bundle = subject_access_bundle(con, upn)
        assert [r["release_id"] for r in bundle["releases"]] == [published.release_id]
        assert not set(bundle["tables"]) & set(LEDGER_TABLES)
        assert not set(bundle["tables_searched"]) & set(LEDGER_TABLES)
        deleted = erase_pupil(con, upn, "data_subject_request")
        assert "census" in deleted and "release_population" in deleted
        assert not set(deleted) & set(LEDGER_TABLES)
        assert counts(con, kept) == before
        # everyone past the 25th birthday: every pupil's rows go, the ledger stays
        monkeypatch.setattr(retention, "date", _In2099)
        removed = apply_retention(con, load_schedule(), date(2100, 1, 1), apply=True)
        assert {c.table for c in removed} >= {"census", "release_population"}
        assert not {c.table for c in removed} & set(kept)
        assert counts(con, ("census", "release_population")) == {
            "census": 0,
            "release_population": 0,
        }
        assert counts(con, kept) == before
        after = recorded_cells(con, published.release_id)
    assert all(after[name].equals(frame) for name, frame in cells.items())
