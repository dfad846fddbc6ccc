"""The Youth Support Services extract: ages 13-19 on its date, restricted pupils reduced to
name, address and date of birth, written only under reports/shares/yss/."""

from __future__ import annotations

import hashlib
import json
import stat
from datetime import date
from pathlib import Path

import duckdb
import polars as pl
import pytest
from rights_store import Pupil, insert_pupils, make_upn
from typer.testing import CliRunner

from cli import app
from pipeline.release.guard import refuse_identifiers
from pipeline.rights.consent_register import Instruction, record_instruction
from pipeline.rights.yss import NAME_ADDRESS_DOB, load_share_spec, write_yss_extract
from pipeline.settings import Settings
from pipeline.store import open_store
from schema.errors import PupilstatsError, ReleaseRefused

ON = date(2026, 1, 15)
RESTRICTION = "parental_restriction"


def pupils() -> dict[str, Pupil]:
    """Named by what the extract must do with them on ``ON``."""
    return {
        "twelve": Pupil(make_upn(1), date(2013, 1, 16), forename="Twelve"),
        "just_thirteen": Pupil(make_upn(2), date(2013, 1, 15), forename="Thirteen"),
        "fourteen_free": Pupil(make_upn(3), date(2011, 6, 1), forename="Free"),
        "fourteen_restricted": Pupil(make_upn(4), date(2011, 7, 1), forename="Held"),
        "seventeen_parent_at_15": Pupil(make_upn(5), date(2008, 9, 1), forename="Kept"),
        "nineteen": Pupil(make_upn(6), date(2006, 1, 16), forename="Nineteen"),
        "twenty": Pupil(make_upn(7), date(2006, 1, 15), forename="Twenty"),
    }


@pytest.fixture
def yss_store(store_path: Path) -> dict[str, Pupil]:
    people = pupils()
    with open_store(store_path) as con:
        insert_pupils(con, list(people.values()))
        for name, when in (
            ("fourteen_restricted", date(2025, 2, 1)),
            ("seventeen_parent_at_15", date(2024, 3, 1)),
        ):
            upn = people[name].upn
            record_instruction(con, Instruction(upn, RESTRICTION, "parent", when, when, name))
    return people


def read_extract(path: Path) -> pl.DataFrame:
    return pl.read_csv(path, infer_schema=False)


def test_extract_holds_13_to_19_year_olds_and_restricts_the_restricted(
    yss_store: dict[str, Pupil], store_path: Path, tmp_path: Path
) -> None:
    settings = Settings.from_env(db=store_path, reports=tmp_path / "reports")
    with open_store(store_path) as con:
        extract = write_yss_extract(con, on=ON, out=Path("yss.csv"), shares_dir=settings.shares_dir)
    assert extract.path == settings.shares_dir / "yss" / "yss.csv"
    rows = read_extract(extract.path)
    spec = load_share_spec()
    assert rows.columns == list(spec.agreed_fields)
    expected = {"Thirteen", "Free", "Held", "Kept", "Nineteen"}
    assert set(rows["forename"]) == expected
    by_name = {r["forename"]: r for r in rows.iter_rows(named=True)}
    withheld = [f for f in spec.agreed_fields if f not in NAME_ADDRESS_DOB]
    for name in ("Held", "Kept"):
        row = by_name[name]
        assert all(row[f] is None for f in withheld), row
        assert all(row[f] is not None for f in NAME_ADDRESS_DOB), row
    for name in expected - {"Held", "Kept"}:
        assert all(by_name[name][f] is not None for f in spec.agreed_fields)
    assert extract.people == 5 and extract.restricted == 2


def test_extract_files_are_owner_only_with_a_manifest(
    yss_store: dict[str, Pupil], store_path: Path, tmp_path: Path
) -> None:
    reports = tmp_path / "reports"
    options = ["--date", ON.isoformat(), "--out", "share.csv", "--db", str(store_path)]
    result = CliRunner().invoke(app, ["yss-extract", *options, "--reports", str(reports)])
    assert result.exit_code == 0, result.output
    folder = reports / "shares" / "yss"
    extract, manifest_path = folder / "share.csv", folder / "share.manifest.json"
    assert sorted(p.name for p in folder.iterdir()) == ["share.csv", "share.manifest.json"]
    manifest = json.loads(manifest_path.read_text())
    assert manifest["sha256"] == hashlib.sha256(extract.read_bytes()).hexdigest()
    assert manifest["people"] == 5 and manifest["restricted"] == 2
    assert manifest["extract_date"] == ON.isoformat()
    assert manifest["fields"] == list(load_share_spec().agreed_fields)
    assert not any(p.upn in manifest_path.read_text() for p in yss_store.values())
    for path in (extract, manifest_path):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    for path in (folder, folder.parent):
        assert stat.S_IMODE(path.stat().st_mode) == 0o700
    assert not (reports / "releases").exists()


def test_extract_is_written_nowhere_else_and_never_passes_the_release_guard(
    yss_store: dict[str, Pupil], store_path: Path, tmp_path: Path
) -> None:
    settings = Settings.from_env(db=store_path, reports=tmp_path / "reports")
    with open_store(store_path) as con:
        for out in (settings.releases_dir / "x.csv", tmp_path / "x.csv", Path("sub/x.csv")):
            with pytest.raises(PupilstatsError, match="written only under"):
                write_yss_extract(con, on=ON, out=out, shares_dir=settings.shares_dir)
        extract = write_yss_extract(
            con, on=ON, out=settings.shares_dir / "yss" / "ok.csv", shares_dir=settings.shares_dir
        )
    assert not settings.releases_dir.exists()
    with pytest.raises(ReleaseRefused, match="identifying column"):
        refuse_identifiers(read_extract(extract.path), "yss")


def test_no_census_before_the_date_is_a_clear_error(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    insert_pupils(con, [Pupil(make_upn(1), date(2011, 1, 1))])
    with pytest.raises(PupilstatsError, match="no census on or before 2025-01-01"):
        write_yss_extract(con, on=date(2025, 1, 1), out=Path("a.csv"), shares_dir=tmp_path)


def test_share_spec_refuses_more_than_name_address_and_dob(tmp_path: Path) -> None:
    config = tmp_path / "yss.toml"
    config.write_text(
        "[share]\nmin_age = 13\nmax_age = 19\n"
        'restricted_fields = ["forename", "sen_provision"]\n'
        'agreed_fields = ["forename", "sen_provision"]\n'
    )
    with pytest.raises(PupilstatsError, match="only name, address and date of birth"):
        load_share_spec(config)
