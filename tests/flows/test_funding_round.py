"""The funding round end to end: synthetic borough in, audited release out."""

from __future__ import annotations

import csv
import json
from datetime import date
from pathlib import Path

import polars as pl
import pytest

from pipeline.synthetic import generate_borough, write_borough
from tests.pipeline.release.reader_checks import check_open_data, check_spreadsheet

CENSUS_DATE = date(2025, 10, 2)


@pytest.fixture(scope="module")
def borough_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("borough")
    write_borough(generate_borough(pupils=6_000, seed=11, defects=0.01), out)
    return out


def run_round(borough_dir: Path, work: Path):
    from flows.releases import RELEASE_FLOWS

    return RELEASE_FLOWS["funding-round"](
        period=CENSUS_DATE.isoformat(),
        input_dir=borough_dir,
        db=work / "store.duckdb",
        reports=work / "reports",
    )


def ees_cells_digest(manifest: dict, from_ees: dict[str, dict[tuple[str, ...], str]]) -> str:
    """The digest of the audited cells rebuilt from the EES files alone: equal to the audit's
    digest when the open data publishes exactly the cells the attacker's audit checked."""
    from disclosure import Dimension, published_cells_digest
    from pipeline.release.published import ReleaseTable, audited_cells

    tables = []
    for entry in manifest["tables"]:
        dims = tuple(
            Dimension(name=d["column"], total=d["total"], parents=d["parents"])
            for d in entry["dimensions"]
        )
        measure = entry["measure"]["column"]
        rows = from_ees[entry["name"]]
        cells = pl.DataFrame(
            [(*key, value) for key, value in rows.items()],
            schema=[*(d.name for d in dims), measure],
            orient="row",
        )
        tables.append(ReleaseTable(entry["name"], dims, measure, cells, {}))
    return published_cells_digest(audited_cells(tables))


def published_counts(release: Path) -> list[int]:
    counts = []
    for table in json.loads((release / "manifest.json").read_text())["tables"]:
        with (release / table["file"]).open() as handle:
            measure = table["measure"]["column"]
            counts += [int(r[measure]) for r in csv.DictReader(handle) if r[measure] != "c"]
    return counts


def test_funding_round_releases_audited_tables_with_no_small_counts(
    prefect_harness: None, borough_dir: Path, tmp_path: Path
) -> None:
    result = run_round(borough_dir, tmp_path)
    release = result.release
    assert release.parent == tmp_path / "reports" / "releases"
    manifest = json.loads((release / "manifest.json").read_text())
    assert manifest["flow"] == "funding-round"
    assert manifest["audit"]["passed"] is True
    assert {i["input"] for i in manifest["inputs"]} == {"schools", "census", "consent"}
    assert len(manifest["tables"]) == 6
    for table in manifest["tables"]:
        assert (release / table["file"]).exists()
        assert table["primary"] > 0 or table["name"] == "funding_key_stage"
        school = table["dimensions"][0]
        assert school["column"] == "school" and school["total"] == "Total"
        assert set(school["parents"].values()) >= {"Total", "primary", "secondary"}
    counts = published_counts(release)
    assert counts and not [c for c in counts if 1 <= c <= 2]
    from_ees: dict[str, dict[tuple[str, ...], str]] = {}
    assert (
        check_open_data(release, from_ees)
        == check_spreadsheet(release)
        == sum(len(list(csv.DictReader((release / t["file"]).open()))) for t in manifest["tables"])
    )
    assert ees_cells_digest(manifest, from_ees) == manifest["audit"]["digest"]
    idaci = next(t for t in manifest["tables"] if t["name"] == "funding_idaci")
    values = next(c for c in idaci["columns"] if c["column"] == "idaci_band")["values"]
    assert "not funded" in values["G"] and "funded" in values["A"]
    assert all(t["title"] and t["description"] for t in manifest["tables"])
    census = next(r for r in result.loads if r.input == "census")
    assert census.rows_quarantined > 0
    assert census.rows_read == census.rows_accepted + census.rows_quarantined
    assert result.facts["census rows excluded by research opt-outs"] > 0
    assert not [p for p in release.parent.iterdir() if p.name.startswith(".partial-")]
    check_the_readers_note(release)

    from prefect.artifacts import Artifact

    summary = Artifact.get("funding-round-summary")
    assert summary is not None and release.name in str(summary.data)
    suppression = Artifact.get("funding-round-suppression")
    assert suppression is not None and "funding_sen" in str(suppression.data)


def check_the_readers_note(release: Path) -> None:
    """Issue 18: the note has every heading, explains the codes, and its reconciliation
    adds up to the LA total the tables publish, with no figure of 1-2 shown."""
    from pipeline.release.note import HEADINGS

    text = (release / "README.md").read_text()
    headings = [line[3:] for line in text.splitlines() if line.startswith("## ")]
    assert headings == list(HEADINGS)
    for code in ("`sen_provision E`", "`idaci_band G`", "`key_stage R-6`", "`key_stage KS3`"):
        assert code in text
    assert "not funded (the remainder)" in text and "Reference date: 2025-10-02." in text
    assert "years 12 and 13 (key stage 5)" in text and "research opt-out" in text
    section = text.split("## How the totals reconcile with the source")[1]
    figures = [line.rsplit("|", 2)[1].strip() for line in section.splitlines()[4:7]]
    with (release / "funding_key_stage.csv").open() as handle:
        rows = csv.DictReader(handle)
        (total,) = [r["pupils"] for r in rows if r["school"] == r["key_stage"] == "Total"]
    assert figures[-1] == total
    shown = [int(f) for f in figures if f != "c"]
    assert not [f for f in shown if 1 <= f <= 2]
    if "c" not in figures:
        pupils, ks5, counted = (int(f) for f in figures)
        assert pupils - ks5 == counted and ks5 > 0
    assert "Subsidiary registrations" in section


def test_same_inputs_give_byte_identical_tables(
    prefect_harness: None, borough_dir: Path, tmp_path: Path
) -> None:
    first = run_round(borough_dir, tmp_path / "a").release
    second = run_round(borough_dir, tmp_path / "b").release
    assert first.name != second.name
    tables = sorted(p.name for p in first.glob("*.csv"))
    assert tables == sorted(p.name for p in second.glob("*.csv"))
    for name in tables:
        assert (first / name).read_bytes() == (second / name).read_bytes(), name
