"""Releases for the ledger tests: a small hand-made one (protected and audited for real, no
store needed to count it) and the registered releases run step by step on a store."""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path

import polars as pl

from disclosure import DFE, AuditReport, Dimension, Profile, Table, audit, protect
from pipeline.ledger.entry import LedgerEntry, LedgerTable, ledger_cells
from pipeline.ledger.record import LedgerRecord
from pipeline.profiles import load_profile
from pipeline.release.published import ReleaseTable
from pipeline.release.tables import release_tables
from pipeline.release.writer import write_release
from pipeline.releases.over_time import with_history
from pipeline.releases.publish import Published, publish
from pipeline.releases.registry import release_steps
from pipeline.releases.spec import Counted, Protected, ReleaseSpec
from pipeline.rights.release_population import PopulationRecord
from pipeline.store import open_store

FLOW = "test-flow"
PERIOD = "2025-10-02"
REFERENCE = date(2025, 10, 2)
STATUSES = pl.DataFrame(
    {
        "upn": ["A1", "A2", "A3"],
        "status": ["counted", "counted", "excluded_opt_out"],
        "reference_date": [REFERENCE] * 3,
    }
)


def small_table(extra_m: int = 0) -> Table:
    """A school x sex table with cells of 1 and 2 (``extra_m`` more boys at one school)."""
    school = Dimension.flat("school", ["3592001", "3592002", "3592003"], total="Total")
    sex = Dimension.flat("sex", ["F", "M"], total="Total")
    pupils = pl.DataFrame(
        {
            "school": ["3592001"] * 9 + ["3592002"] * (12 + extra_m) + ["3592003"] * 8,
            "sex": ["F"] * 1
            + ["M"] * 8
            + ["F"] * 6
            + ["M"] * (6 + extra_m)
            + ["F"] * 2
            + ["M"] * 6,
        }
    )
    return Table.from_microdata("pupils_by_sex", pupils, (school, sex))


def small_release(
    extra_m: int = 0, revises: str | None = None, flow: str = FLOW
) -> tuple[list[ReleaseTable], AuditReport, LedgerEntry]:
    """The small table protected and audited under DfE rules: its published tables, the
    audit and its ledger entry (``sex`` an attribute, ``school`` not)."""
    table = small_table(extra_m)
    protection = protect([table], DFE)
    report = audit([table], protection, DFE)
    assert report.passed
    entry = LedgerEntry(
        flow=flow,
        period=PERIOD,
        reference_date=REFERENCE,
        profile=DFE.name,
        tables=(
            LedgerTable(
                name=table.name,
                dimensions=tuple(table.dimensions),
                attributes=frozenset({"sex"}),
                population="Pupils of three schools.",
                population_sql="tests.SMALL_POPULATION",
                cells=ledger_cells(protection.tables[table.name], ["school", "sex"]),
            ),
        ),
        revises=revises,
    )
    return release_tables([table], protection, "pupils"), report, entry


def write_small_release(
    db: Path, releases: Path, extra_m: int = 0, revises: str | None = None, flow: str = FLOW
) -> Path:
    """Write the small release with its population record and ledger entry."""
    tables, report, entry = small_release(extra_m, revises, flow)
    with open_store(db) as con:
        return write_release(
            releases_dir=releases,
            flow=flow,
            reference_date=PERIOD,
            profile=DFE,
            tables=tables,
            inputs=[],
            audit=report,
            documents={"README.md": "# A small release\n\nAbout it.\n"},
            record=LedgerRecord(PopulationRecord(con, flow, STATUSES), entry),
            revises=revises,
        )


_RUNS: dict[tuple[str, str | None, str], tuple[Counted, Protected, Profile]] = {}
"""Runs already made, by release, period and the bytes of the store's files: counting and
protecting are deterministic, and every test starts from a byte-identical copy of one
store, so a run on the same bytes is made once (a changed store has other bytes)."""


def _store_bytes(db: Path) -> str:
    """A digest of the store's files (the database, its write-ahead log and its key)."""
    digest = hashlib.sha256()
    for path in sorted(db.parent.glob(db.name + "*")):
        if path.is_file() and not path.name.endswith(".lock"):
            digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def run_steps(
    spec: ReleaseSpec, db: Path, period: str | None = None
) -> tuple[Counted, Protected, Profile]:
    """Count, protect and audit ``spec``'s release on the store ``db`` (default period), as
    the flow's tasks do (the earlier releases of the ledger included); made once per store
    content (``_RUNS``)."""
    key = (spec.name, period, _store_bytes(db))
    if key not in _RUNS:
        profile = load_profile(spec.default_profile)
        steps = release_steps(spec)
        with open_store(db) as con:
            counted = steps.count(con, period or spec.period.default, profile, {})
            counted = with_history(con, spec, counted)
        _RUNS[key] = (counted, steps.protect(counted, profile, {}), profile)
    return _RUNS[key]


def publish_run(
    spec: ReleaseSpec,
    db: Path,
    releases: Path,
    run: tuple[Counted, Protected, Profile],
) -> Published:
    """Publish a counted and protected run as the flow's release step does."""
    counted, protected, profile = run
    with open_store(db) as con:
        return publish(spec, con, releases, counted, protected, profile)
