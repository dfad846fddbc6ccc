"""The nightly release's difference rule (on by default, ``--no-difference-rule`` turns it off)
on a larger borough: a night after a leaver is protected against the ledger's earlier release
of the years whose pupils changed only, and the engine's joint audit of the pair passes;
without it, the night is protected alone. (``test_scenarios`` gives the nights to the
independent attacker.)"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from scenarios import LATEST_YEAR, a_ks2_pupil, fill_store, ks2_pupils

from flows.tasks.release import count_release, protect_release
from pipeline.profiles import load_profile
from pipeline.releases.registry import release_spec
from pipeline.store import open_store
from pipeline.synthetic.history import generate_history

PUPILS = 24_000


@pytest.mark.slow
def test_a_night_after_a_leaver_is_protected_against_the_earlier_night(tmp_path: Path) -> None:
    from scenarios import run_release

    store = tmp_path / "store.duckdb"
    fill_store(store, generate_history(pupils=PUPILS, seed=7, census_date=date(2025, 10, 2)))
    run_release(store, "nightly-performance", tmp_path / "releases")
    with open_store(store) as con:
        pupil = a_ks2_pupil(ks2_pupils(con, LATEST_YEAR))
        con.execute(
            "DELETE FROM census WHERE upn = ? AND census_date = ?",
            [pupil["upn"], pupil["census_date"]],
        )
        for table in ("ks2", "ks4", "absence"):
            con.execute(
                f"DELETE FROM {table} WHERE upn = ? AND academic_year = ?",
                [pupil["upn"], LATEST_YEAR],
            )
    spec = release_spec("nightly-performance")
    profile = load_profile(spec.default_profile)
    counted = count_release.fn(spec, store, None, profile, {})
    assert counted.history is not None and len(counted.history.earlier) == 1

    ruled = protect_release.fn(spec, counted, profile, {"difference_rule": True})
    notes = [n for n in ruled.protection.notes if "earlier release" in n]
    # the latest year's KS2 and absence populations changed; the years before did not
    assert len(notes) == 2 and all(LATEST_YEAR.replace("/", "-") in n for n in notes), notes
    assert ruled.audit.passed

    plain = protect_release.fn(spec, counted, profile, {"difference_rule": False})
    assert not [n for n in plain.protection.notes if "earlier release" in n]
    assert plain.audit.passed

    def suppressed(protected: object) -> int:
        frames = protected.protection.tables.values()  # type: ignore[attr-defined]
        return sum(int(f["status"].is_in(["primary", "secondary"]).sum()) for f in frames)

    assert suppressed(ruled) > suppressed(plain)
