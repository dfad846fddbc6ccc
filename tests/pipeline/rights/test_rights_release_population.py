"""The release task records which pupils each release counted and which it excluded."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from rights_store import CENSUS_DATE, Pupil, insert_pupils, make_upn

from flows.tasks.release import count_release, protect_release, publish_release
from pipeline.profiles import load_profile
from pipeline.releases.registry import release_spec
from pipeline.rights.consent_register import Instruction, record_instruction
from pipeline.rights.subject_access import subject_access_bundle
from pipeline.store import open_store
from pipeline.store.pupil_keys import pupil_key, store_key

PUPILS = [
    Pupil(make_upn(i), date(2011, 1, 1) + timedelta(days=5 * i), nc_year="9") for i in range(40)
]
OPTED_OUT = PUPILS[0].upn


def test_release_records_counted_and_excluded_pupils(store_path: Path, tmp_path: Path) -> None:
    profile = load_profile("dfe")
    spec = release_spec("funding-round")
    with open_store(store_path) as con:
        insert_pupils(con, PUPILS)
        on = date(2025, 9, 1)
        record_instruction(con, Instruction(OPTED_OUT, "research_opt_out", "parent", on, on, "L"))
    counted = count_release.fn(spec, store_path, CENSUS_DATE.isoformat(), profile, {})
    protected = protect_release.fn(spec, counted, profile, {})
    release = publish_release.fn(
        spec, store_path, tmp_path / "releases", counted, protected, profile
    ).folder
    with open_store(store_path) as con:
        rows = con.execute(
            "SELECT status, count(*) FROM release_population WHERE release_id = ? "
            "GROUP BY status ORDER BY status",
            [release.name],
        ).fetchall()
        key = pupil_key(store_key(con), OPTED_OUT)
        excluded = con.execute(
            "SELECT pupil_key FROM release_population WHERE status = 'excluded_opt_out'"
        ).fetchall()
        assert subject_access_bundle(con, PUPILS[1].upn)["releases"][0]["status"] == "counted"
        population_text = repr(con.execute("SELECT * FROM release_population").fetchall())
    assert rows == [("counted", len(PUPILS) - 1), ("excluded_opt_out", 1)]
    assert excluded == [(key,)]
    assert not any(p.upn in population_text for p in PUPILS)
