"""``reports/releases/latest/``: each flow's link and the index name its newest run's release,
replaced in one rename, and are never taken for a release."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from pipeline.dashboard.release import latest_release
from pipeline.release.latest import latest_index, point_latest
from schema.errors import PupilstatsError


def release_folder(releases: Path, release_id: str, flow: str) -> Path:
    folder = releases / release_id
    folder.mkdir(parents=True)
    (folder / "manifest.json").write_text(json.dumps({"release_id": release_id, "flow": flow}))
    return folder


def test_each_flow_points_at_its_newest_run_and_back_at_an_earlier_release(
    tmp_path: Path,
) -> None:
    releases = tmp_path / "releases"
    first = release_folder(releases, "funding-round-2025-10-02-a", "funding-round")
    second = release_folder(releases, "funding-round-2024-10-03-b", "funding-round")
    health = release_folder(releases, "ccg-health-2026-07-10-c", "ccg-health")

    link = point_latest(releases, "funding-round", first)
    assert link == releases / "latest" / "funding-round"
    assert os.readlink(link) == "../funding-round-2025-10-02-a"  # relative: the tree can move
    assert (link / "manifest.json").is_file()
    point_latest(releases, "ccg-health", health)
    point_latest(releases, "funding-round", second)
    assert link.resolve() == second.resolve()
    # A run identical to an earlier release writes nothing; latest points back at that one.
    point_latest(releases, "funding-round", first)
    assert link.resolve() == first.resolve()
    assert latest_index(releases) == {
        "ccg-health": {"release_id": health.name, "folder": str(health.resolve())},
        "funding-round": {"release_id": first.name, "folder": str(first.resolve())},
    }
    assert sorted(p.name for p in (releases / "latest").iterdir()) == [
        ".lock",
        "ccg-health",
        "funding-round",
        "index.json",
    ], "no temporary link or file is left behind"
    # The dashboard's scan of release folders does not take latest/ for a release.
    assert latest_release(releases, "funding-round") in (first, second)


def test_a_release_elsewhere_is_linked_by_its_absolute_path(tmp_path: Path) -> None:
    elsewhere = release_folder(tmp_path / "other", "nightly-performance-x", "nightly-performance")
    link = point_latest(tmp_path / "releases", "nightly-performance", elsewhere)
    assert os.readlink(link) == str(elsewhere.resolve())
    assert latest_index(tmp_path / "releases")["nightly-performance"]["release_id"] == (
        "nightly-performance-x"
    )
    assert latest_index(tmp_path / "nowhere") == {}


def test_a_folder_in_the_links_place_is_left_alone_with_one_line(tmp_path: Path) -> None:
    releases = tmp_path / "releases"
    release = release_folder(releases, "funding-round-1", "funding-round")
    kept = releases / "latest" / "funding-round"
    kept.mkdir(parents=True)
    (kept / "notes.txt").write_text("someone's own file\n")
    with pytest.raises(PupilstatsError) as refused:
        point_latest(releases, "funding-round", release)
    message = str(refused.value)
    assert "\n" not in message and "is a folder" in message and "funding-round-1" in message
    assert (kept / "notes.txt").read_text() == "someone's own file\n"
    assert latest_index(releases) == {}
