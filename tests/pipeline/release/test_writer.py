"""Releases are written whole, audited and identifier-free, or not at all."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import polars as pl
import pytest

from disclosure import DFE, AuditFailure, AuditReport, Dimension, published_cells_digest
from pipeline.release import writer
from pipeline.release.manifest import InputDigest
from pipeline.release.published import DerivedColumn, ReleaseTable, audited_cells
from pipeline.release.writer import write_release
from schema.errors import ReleaseRefused

SCHOOL = Dimension.from_levels(
    "school",
    pl.DataFrame({"phase": ["primary", "primary"], "laestab": ["3592001", "3592002"]}),
    ["phase", "laestab"],
    total="Total",
)
SEX = Dimension.flat("sex", ["F", "M"])


def table(name: str = "pupils_by_sex", **changes: object) -> ReleaseTable:
    cells = pl.DataFrame(
        {
            "school": ["Total", "Total", "3592001"],
            "sex": ["Total", "F", "F"],
            "pupils": ["40", "c", "c"],
        }
    )
    fields = {
        "name": name,
        "dimensions": (SCHOOL, SEX),
        "measure": "pupils",
        "cells": cells,
        "summary": {"cells": 3, "primary": 1, "secondary": 1},
    }
    fields.update(changes)
    return ReleaseTable(**fields)  # type: ignore[arg-type]


def audited(tables: list[ReleaseTable], failures: int = 0) -> AuditReport:
    """The verdict of an audit over exactly the cells of ``tables`` (their digest): these
    tests are about writing, so the tables are made by hand rather than protected."""
    failed = [
        AuditFailure(str(i), (tables[0].name,), 1, "primary", 1.0, 1.0, "frequency")
        for i in range(failures)
    ]
    return AuditReport(
        passed=not failed,
        intervals=pl.DataFrame(),
        failures=failed,
        digest=published_cells_digest(audited_cells(tables)),
    )


def release(
    tmp_path: Path, tables: list[ReleaseTable], audit: AuditReport | None = None, **kw
) -> Path:
    audit = audit or audited(tables)
    return write_release(
        releases_dir=tmp_path / "releases",
        flow="test-flow",
        reference_date="2025-10-02",
        profile=DFE,
        tables=tables,
        inputs=[InputDigest("census", "census.csv", "ab" * 32)],
        audit=audit,
        **kw,
    )


def test_release_holds_tables_manifest_and_documents(tmp_path: Path) -> None:
    folder = release(tmp_path, [table()], documents={"README.md": "# For the recipient\n"})
    assert folder.parent == tmp_path / "releases"
    assert sorted(p.name for p in folder.iterdir()) == [
        "README.md",
        "manifest.json",
        "pupils_by_sex.csv",
    ]
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["release_id"] == folder.name
    assert manifest["flow"] == "test-flow"
    assert manifest["profile"]["name"] == "dfe"
    assert manifest["inputs"] == [{"input": "census", "file": "census.csv", "sha256": "ab" * 32}]
    entry = manifest["tables"][0]
    csv_bytes = (folder / "pupils_by_sex.csv").read_bytes()
    assert entry["sha256"] == hashlib.sha256(csv_bytes).hexdigest()
    assert csv_bytes.decode().splitlines()[0] == "school,sex,pupils"
    assert entry["dimensions"][0] == {
        "column": "school",
        "total": "Total",
        "parents": {"primary": "Total", "3592001": "primary", "3592002": "primary"},
    }
    assert entry["measure"] == {"column": "pupils", "kind": "count"}
    assert entry["symbols"] == {"suppressed": "c"}
    assert entry["threshold"] == 3 and entry["rounding_base"] is None
    assert (entry["cells"], entry["primary"], entry["secondary"]) == (3, 1, 1)
    readme = manifest["documents"][0]
    assert readme["file"] == "README.md"
    assert readme["sha256"] == hashlib.sha256(b"# For the recipient\n").hexdigest()
    assert manifest["audit"] == audited([table()]).as_dict()


def test_derived_columns_are_written_and_described(tmp_path: Path) -> None:
    cells = pl.DataFrame(
        {"school": ["Total"], "sex": ["Total"], "pupils": ["40"], "percent": ["100.0"]}
    )
    derived = (DerivedColumn("percent", "percentage", ("pupils",)),)
    folder = release(tmp_path, [table(cells=cells, derived=derived)])
    entry = json.loads((folder / "manifest.json").read_text())["tables"][0]
    assert entry["derived"] == [
        {"column": "percent", "kind": "percentage", "derived_from": ["pupils"]}
    ]


def test_a_failed_audit_releases_nothing(tmp_path: Path) -> None:
    with pytest.raises(ReleaseRefused, match="audit did not pass"):
        release(tmp_path, [table()], audit=audited([table()], failures=2))
    assert not (tmp_path / "releases").exists() or not any((tmp_path / "releases").iterdir())


def test_an_identifier_column_is_refused_before_anything_is_written(tmp_path: Path) -> None:
    leaky = table(
        cells=pl.DataFrame(
            {"school": ["Total"], "sex": ["Total"], "pupils": ["40"], "upn": ["A123"]}
        ),
        derived=(DerivedColumn("upn", "text"),),
    )
    with pytest.raises(ReleaseRefused):
        release(tmp_path, [leaky])
    assert not (tmp_path / "releases").exists() or not any((tmp_path / "releases").iterdir())


def test_a_summary_with_sums_of_hidden_values_is_refused(tmp_path: Path) -> None:
    leaky = table(summary={"cells": 3, "primary": 1, "secondary": 1, "secondary_value_total": 9})
    with pytest.raises(ReleaseRefused, match="secondary_value_total"):
        release(tmp_path, [leaky])
    assert not (tmp_path / "releases").exists() or not any((tmp_path / "releases").iterdir())


def test_columns_must_match_the_declared_dimensions(tmp_path: Path) -> None:
    wrong = table(cells=pl.DataFrame({"school": ["Total"], "pupils": ["40"]}))
    with pytest.raises(ReleaseRefused, match="expected"):
        release(tmp_path, [wrong], audit=audited([table()]))


def test_a_crash_while_writing_leaves_no_partial_release(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def crash(*args: object, **kwargs: object) -> dict:
        raise OSError("disk full")

    monkeypatch.setattr(writer, "build_manifest", crash)
    with pytest.raises(OSError, match="disk full"):
        release(tmp_path, [table(), table("second")])
    assert list((tmp_path / "releases").iterdir()) == []


def test_stale_partials_of_killed_runs_are_removed_by_the_next_release(tmp_path: Path) -> None:
    stale = tmp_path / "releases" / ".partial-test-flow-killed"
    stale.mkdir(parents=True)
    (stale / "half.csv").write_text("school\n")
    folder = release(tmp_path, [table()])
    assert [p.name for p in (tmp_path / "releases").iterdir()] == [folder.name]


def test_document_names_cannot_escape_the_release(tmp_path: Path) -> None:
    with pytest.raises(ReleaseRefused, match="plain file name"):
        release(tmp_path, [table()], documents={"../escape.md": "x"})
    assert list((tmp_path / "releases").iterdir()) == []


def test_file_digests_are_the_written_files_and_revises_is_only_in_a_revision(
    tmp_path: Path,
) -> None:
    documents = {"README.md": "# For the recipient\n\nÉcole, naïve.\n"}
    tables = [table(), table("pupils_by_phase")]
    first = release(tmp_path / "a", tables, documents=documents)
    manifest = json.loads((first / "manifest.json").read_text())
    listed = {t["file"]: t["sha256"] for t in manifest["tables"]}
    listed.update({d["file"]: d["sha256"] for d in manifest["documents"]})
    assert writer.file_digests(tables, documents) == listed
    assert "revises" not in manifest
    revision = release(tmp_path / "b", tables, documents=documents, revises=first.name)
    revised = json.loads((revision / "manifest.json").read_text())
    assert revised["revises"] == first.name
    keys = list(revised)
    assert keys[keys.index("reference_date") + 1] == "revises"
    assert {
        k: v for k, v in revised.items() if k not in {"release_id", "created_at", "revises"}
    } == {k: v for k, v in manifest.items() if k not in {"release_id", "created_at"}}
