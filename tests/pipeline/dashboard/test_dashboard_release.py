"""Reading a release folder: exactly what the manifest names, checked by sha256."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from pipeline.dashboard import DashboardError, dashboard_release, latest_release, read_release
from tests.pipeline.dashboard.synthetic_release import write_synthetic_release


def test_reads_every_table_with_kinds_dimensions_and_the_school_lookup(
    release_dir: Path,
) -> None:
    release = read_release(release_dir)
    assert release.release_id == release_dir.name
    assert release.flow == "nightly-performance"
    assert release.reference_date == "2024-10-03"
    assert (release.symbol, release.threshold) == ("c", 3)
    assert [t.name for t in release.tables] == [
        "pupils_fsm",
        "ks2_expected_sex",
        "ks2_expected_eal",
        "ks4_attainment_sex",
        "absence_rate_sex",
    ]
    rates = release.table("ks2_expected_sex")
    assert rates is not None
    assert [(c.column, c.kind) for c in rates.columns] == [
        ("pupils", "count"),
        ("percentage", "percentage"),
        ("ci_lower", "ci_lower"),
        ("ci_upper", "ci_upper"),
    ]
    assert rates.entry["family"] == "ks2"
    school = rates.dimension("school")
    assert school is not None
    assert school.leaves == ["3592001", "3592002", "3592003", "4592001"]
    assert school.depth("3592001") == 1
    empty = {"academic_year": "2022/23", "school": "3592002", "sex": "F", "outcome": "met"}
    assert rates.cell(empty) == {
        **empty,
        "pupils": "0",
        "percentage": "z",
        "ci_lower": "z",
        "ci_upper": "z",
    }
    la_only = release.table("ks2_expected_eal")
    assert la_only is not None and la_only.dimension("school").leaves == []
    fsm = release.table("pupils_fsm")
    assert fsm is not None and fsm.cell({})["pupils"] == "412"
    assert release.schools["4592001"].name == "Dale Academy"
    assert release.schools["4592001"].phase == "secondary"


def test_a_changed_school_lookup_is_not_this_release(release_dir: Path) -> None:
    path = release_dir / "schools.csv"
    path.write_text(path.read_text().replace("Dale Academy", "Other"))
    with pytest.raises(DashboardError, match="sha256"):
        read_release(release_dir)


def test_a_changed_csv_is_not_this_release(release_dir: Path) -> None:
    path = release_dir / "pupils_fsm.csv"
    path.write_text(path.read_text().replace("412", "413"))
    with pytest.raises(DashboardError, match="sha256"):
        read_release(release_dir)


def test_a_folder_without_manifest_is_refused(tmp_path: Path) -> None:
    with pytest.raises(DashboardError, match=r"no manifest\.json"):
        read_release(tmp_path)


def test_a_table_file_outside_the_folder_is_refused(release_dir: Path) -> None:
    manifest = json.loads((release_dir / "manifest.json").read_text())
    manifest["tables"][0]["file"] = "../elsewhere.csv"
    (release_dir / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(DashboardError, match="not a plain file name"):
        read_release(release_dir)


def test_latest_release_is_the_newest_complete_one(tmp_path: Path) -> None:
    releases = tmp_path / "releases"
    first = write_synthetic_release(releases, seed=1)
    second = write_synthetic_release(releases, seed=2)
    os.utime(first, ns=(1, 1))
    shutil.copytree(second, releases / ".partial-unfinished")
    assert latest_release(releases) == second
    assert latest_release(releases, "nightly-performance") == second
    with pytest.raises(DashboardError, match="no release of flow 'funding-round'"):
        latest_release(releases, "funding-round")
    with pytest.raises(DashboardError, match="no release"):
        latest_release(tmp_path / "empty")


def test_the_dashboard_shows_the_newest_nightly_release_before_other_flows(tmp_path: Path) -> None:
    releases = tmp_path / "releases"
    nightly = write_synthetic_release(releases, seed=1)
    funding = write_synthetic_release(releases, seed=2, flow="funding-round")
    os.utime(nightly, ns=(1, 1))
    assert latest_release(releases) == funding
    assert dashboard_release(releases, ["nightly-performance"]) == nightly
    assert dashboard_release(releases, ["funding-round"]) == funding
    assert dashboard_release(releases) == funding  # no preference: the newest of any flow
    shutil.rmtree(nightly)
    assert dashboard_release(releases, ["nightly-performance"]) == funding
