"""A release and its population record are written together, and only audited cells are
written. (The kill test at every step of writing a release with its population record and
ledger entry is ``tests/pipeline/ledger/test_ledger_record.py``.)"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import polars as pl
import pytest

from disclosure import DFE, Dimension, Table, audit, protect
from pipeline.release.manifest import InputDigest
from pipeline.release.published import ReleaseTable
from pipeline.release.tables import release_tables
from pipeline.release.writer import PARTIAL_PREFIX, write_release
from pipeline.rights.release_population import (
    PUBLISHED,
    PopulationRecord,
    resolve_pending_releases,
)
from pipeline.store import open_store
from schema.errors import ReleaseRefused

CENSUS_DATE = date(2025, 10, 2)
STATUSES = pl.DataFrame(
    {
        "upn": ["A1", "A2", "A3"],
        "status": ["counted", "counted", "excluded_opt_out"],
        "reference_date": [CENSUS_DATE] * 3,
    }
)


def protected_release() -> tuple[list[ReleaseTable], object]:
    """A small school x sex table with cells of 1 and 2: protected and audited for real."""
    school = Dimension.flat("school", ["3592001", "3592002", "3592003"], total="Total")
    sex = Dimension.flat("sex", ["F", "M"], total="Total")
    pupils = pl.DataFrame(
        {
            "school": ["3592001"] * 9 + ["3592002"] * 12 + ["3592003"] * 8,
            "sex": ["F"] * 1 + ["M"] * 8 + ["F"] * 6 + ["M"] * 6 + ["F"] * 2 + ["M"] * 6,
        }
    )
    table = Table.from_microdata("pupils_by_sex", pupils, (school, sex))
    protection = protect([table], DFE)
    report = audit([table], protection, DFE)
    assert report.passed
    return release_tables([table], protection, "pupils"), report


def visible_releases(releases: Path) -> set[str]:
    if not releases.exists():
        return set()
    return {
        p.name
        for p in releases.iterdir()
        if not p.name.startswith(PARTIAL_PREFIX) and (p / "manifest.json").is_file()
    }


def recorded_releases(db: Path) -> set[str]:
    with open_store(db) as con:
        resolve_pending_releases(con)
        rows = con.execute(
            "SELECT r.release_id FROM release_records AS r WHERE r.state = ? "
            "AND EXISTS (SELECT 1 FROM release_population AS p "
            "WHERE p.release_id = r.release_id)",
            [PUBLISHED],
        ).fetchall()
        orphans = con.execute(
            "SELECT count(*) FROM release_population AS p "
            "WHERE NOT EXISTS (SELECT 1 FROM release_records AS r "
            "WHERE r.release_id = p.release_id)"
        ).fetchall()[0][0]
    assert orphans == 0
    return {r[0] for r in rows}


def test_a_pattern_changed_after_the_audit_is_refused(tmp_path: Path) -> None:
    tables, report = protected_release()
    cells = tables[0].cells
    hidden = cells["pupils"] == "c"
    assert hidden.any()
    first_hidden = int(hidden.arg_true()[0])
    unsuppressed = cells.with_columns(
        pl.when(pl.int_range(pl.len()) == first_hidden)
        .then(pl.lit("1"))
        .otherwise(pl.col("pupils"))
        .alias("pupils")
    )
    for changed in (
        replace(tables[0], cells=unsuppressed),  # a hidden cell published after the audit
        replace(tables[0], cells=cells.head(cells.height - 1)),  # a cell dropped
    ):
        with pytest.raises(ReleaseRefused, match="not the cells the audit checked"):
            write_release(
                releases_dir=tmp_path / "releases",
                flow="test-flow",
                reference_date="2025-10-02",
                profile=DFE,
                tables=[changed],
                inputs=[InputDigest("census", "census.csv", "ab" * 32)],
                audit=report,
            )
    assert visible_releases(tmp_path / "releases") == set()


def test_the_audited_release_is_written_with_its_population(tmp_path: Path) -> None:
    tables, report = protected_release()
    db = tmp_path / "store.duckdb"
    with open_store(db) as con:
        folder = write_release(
            releases_dir=tmp_path / "releases",
            flow="test-flow",
            reference_date="2025-10-02",
            profile=DFE,
            tables=tables,
            inputs=[],
            audit=report,
            record=PopulationRecord(con, "test-flow", STATUSES),
        )
        population = con.execute(
            "SELECT status, count(*) FROM release_population WHERE release_id = ? GROUP BY 1",
            [folder.name],
        ).fetchall()
    assert dict(population) == {"counted": 2, "excluded_opt_out": 1}
    assert recorded_releases(db) == {folder.name} == visible_releases(tmp_path / "releases")
