"""Re-runs and revisions: a run of a period that already has a release.

A re-run on unchanged input writes nothing and points to the earlier release; a run on
changed input for the same period writes a revision naming the release it revises (in its
manifest, its ledger entry and its reader's note); a first release names none. The nightly
release's period is its latest academic year, whether the run names it or not.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from ledger_releases import publish_run, run_steps, write_small_release

from pipeline.ledger.read import latest_release, ledger_releases
from pipeline.ledger.revisions import (
    published_files,
    revision_line,
    same_as,
    with_revision_line,
)
from pipeline.ledger.withdraw import withdraw_release
from pipeline.profiles import load_profile
from pipeline.release.note import NOTE_FILE
from pipeline.releases.over_time import refuse_rounded_revision, with_history
from pipeline.releases.registry import RELEASES, release_steps
from pipeline.releases.spec import ReleaseSpec
from pipeline.rights.consent_register import Instruction, record_instruction
from pipeline.store import open_store
from schema.errors import ReleaseRefused

REVISED = [s for s in RELEASES if load_profile(s.default_profile).rounding_base is None]
"""The releases that publish exact counts: revised when their counts change."""
ROUNDED = [s for s in RELEASES if s not in REVISED]
"""The releases rounded to a base: not revised once published (``refuse_rounded_revision``)."""


def folders(releases: Path) -> list[str]:
    return sorted(p.name for p in releases.iterdir())


def opt_out_some_pupils(db: Path) -> None:
    """Research opt-outs, in force since before the census, for pupils every release counts
    (measured children, pupils with KS2 and KS4 results, pupils on the census)."""
    on = date(2025, 9, 1)
    with open_store(db) as con:
        upns = [
            r[0]
            for table in ("ncmp", "ks2", "ks4", "census")
            for r in con.execute(
                f"SELECT DISTINCT upn FROM {table} ORDER BY upn LIMIT 15"
            ).fetchall()
        ]
        for i, upn in enumerate(sorted(set(upns))):
            record_instruction(
                con, Instruction(upn, "research_opt_out", "parent", on, on, f"LT-{i}")
            )


@pytest.mark.slow
@pytest.mark.parametrize("spec", REVISED, ids=[s.name for s in REVISED])
def test_a_rerun_writes_nothing_and_a_changed_input_writes_a_revision(
    spec: ReleaseSpec, store: Path, tmp_path: Path
) -> None:
    releases = tmp_path / "releases"
    run = run_steps(spec, store)
    first = publish_run(spec, store, releases, run)
    assert first.identical_to is None and first.revises is None
    manifest = json.loads((first.folder / "manifest.json").read_text())
    assert "revises" not in manifest

    # the same input counted again (the nightly release: its latest year named this time,
    # the same period): nothing new, the run points to the first release
    again = publish_run(spec, store, releases, run_steps(spec, store, period=run[0].period))
    assert again.identical_to == first.release_id and again.folder == first.folder.resolve()
    assert folders(releases) == [first.release_id]

    # changed input for the same period: a revision of the first release
    opt_out_some_pupils(store)
    revised_run = run_steps(spec, store)
    assert revised_run[0].period == run[0].period
    revision = publish_run(spec, store, releases, revised_run)
    assert revision.identical_to is None and revision.revises == first.release_id
    assert folders(releases) == sorted([first.release_id, revision.release_id])
    revised = json.loads((revision.folder / "manifest.json").read_text())
    assert revised["revises"] == first.release_id
    assert list(revised)[: list(revised).index("revises") + 1][-2:] == [
        "reference_date",
        "revises",
    ]
    note = revision.folder / NOTE_FILE
    if spec.note is not None:
        assert revision_line(first.release_id) in note.read_text()
        assert revision_line(first.release_id) not in (first.folder / NOTE_FILE).read_text()
    else:
        assert not note.exists()
    with open_store(store) as con:
        ledger = ledger_releases(con, spec.name)
    assert [(r.release_id, r.revises) for r in ledger] == [
        (first.release_id, None),
        (revision.release_id, first.release_id),
    ]

    # the revised run again: identical to the revision (its note's line included)
    assert publish_run(spec, store, releases, revised_run).identical_to == revision.release_id
    assert len(folders(releases)) == 2


@pytest.mark.slow
@pytest.mark.parametrize("spec", ROUNDED, ids=[s.name for s in ROUNDED])
def test_a_rounded_release_whose_counts_changed_is_refused_not_revised(
    spec: ReleaseSpec, store: Path, tmp_path: Path
) -> None:
    """Two roundings of nearly the same counts narrow small cells: a rounded release is not
    revised. An unchanged re-run still points to it; a changed one is refused in one line
    naming it, and nothing is written."""
    releases = tmp_path / "releases"
    first = publish_run(spec, store, releases, run_steps(spec, store))
    profile = load_profile(spec.default_profile)
    with open_store(store) as con:  # unchanged: not refused (the run then writes nothing)
        steps = release_steps(spec)
        counted = with_history(con, spec, steps.count(con, spec.period.default, profile, {}))
    assert [r.name for r in counted.history.earlier] == [first.release_id]
    refuse_rounded_revision(counted.detail.tables, profile, counted.history)
    opt_out_some_pupils(store)
    with pytest.raises(ReleaseRefused, match=f"since release {first.release_id} ") as refused:
        run_steps(spec, store)
    assert "\n" not in str(refused.value) and "not revised" in str(refused.value)
    assert folders(releases) == [first.release_id]
    with open_store(store) as con:
        assert [r.release_id for r in ledger_releases(con, spec.name)] == [first.release_id]


@pytest.mark.slow
def test_a_rerun_after_the_latest_release_is_withdrawn_writes_a_release(
    store: Path, tmp_path: Path
) -> None:
    """A withdrawn release is no longer compared with: the same run writes a new release,
    which revises the withdrawn one (the newest of its period, none being left)."""
    spec = next(s for s in RELEASES if s.name == "funding-round")
    releases = tmp_path / "releases"
    run = run_steps(spec, store)
    first = publish_run(spec, store, releases, run)
    with open_store(store) as con:
        withdraw_release(con, first.release_id, "published by mistake")
        assert latest_release(con, spec.name, run[0].period) is None
    second = publish_run(spec, store, releases, run)
    assert second.identical_to is None and second.revises == first.release_id
    assert folders(releases) == sorted([first.release_id, second.release_id])
    with open_store(store) as con:
        assert latest_release(con, spec.name, run[0].period).release_id == second.release_id
        states = [(r.shown_state, r.revises) for r in ledger_releases(con)]
    assert states == [("withdrawn", None), ("published", first.release_id)]


def test_same_as_needs_the_same_files_the_same_profile_and_an_intact_folder(
    tmp_path: Path,
) -> None:
    from disclosure import DFE

    db, releases = tmp_path / "store.duckdb", tmp_path / "releases"
    folder = write_small_release(db, releases)
    with open_store(db) as con:
        (earlier,) = ledger_releases(con)
    files, _ = published_files(earlier)
    assert set(files) == {"pupils_by_sex.csv", "README.md"}
    assert same_as(earlier, files, DFE)
    assert not same_as(earlier, {**files, "README.md": "0" * 64}, DFE)
    assert not same_as(earlier, {k: v for k, v in files.items() if k != "README.md"}, DFE)
    assert not same_as(earlier, files, load_profile("nhs"))
    (folder / "pupils_by_sex.csv").write_text("altered\n")
    assert published_files(earlier) is None and not same_as(earlier, files, DFE)


def test_the_revision_line_goes_under_the_note_title_only_for_a_revision() -> None:
    documents = {NOTE_FILE: "# Title\n\nReference date: 2025-10-02.\n", "schools.csv": "a\n"}
    assert with_revision_line(documents, None) == documents
    revised = with_revision_line(documents, "funding-round-x")
    assert revised["schools.csv"] == "a\n"
    assert revised[NOTE_FILE] == (
        "# Title\n\n" + revision_line("funding-round-x") + "\n\nReference date: 2025-10-02.\n"
    )
    assert with_revision_line({"schools.csv": "a\n"}, "x") == {"schools.csv": "a\n"}
    untitled = with_revision_line({NOTE_FILE: "Plain.\n"}, "x")[NOTE_FILE]
    assert untitled == revision_line("x") + "\n\nPlain.\n"
