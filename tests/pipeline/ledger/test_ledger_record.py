"""The ledger records every audited cell of a release, with the release and its population.

* For every registered release: each table the attacker's audit checked is in the ledger
  with its population, its dimensions (total codes, parents), its attributes as its
  ``ledger.toml`` declares them and every cell with its true value, status and published
  text; the published cells are exactly the audited ones (the manifest's audit digest), and
  nothing in the ledger is or looks like a UPN.
* The crash test kills a real writer process (``os._exit``, no clean-up) at every step of
  writing a release with its population record and ledger entry: before and after each
  file, flush, the population's and the ledger's inserts, the rename and the confirmation.
  After each kill the release folder, the population record and the ledger entry are all
  visible or none is, and no ledger row is left without its release.
"""

from __future__ import annotations

import json
import pickle
import subprocess
import sys
import textwrap
from pathlib import Path

import polars as pl
import pytest
from ledger_releases import STATUSES, publish_run, run_steps, small_release
from stdnum.gb import upn as stdnum_upn

from disclosure import published_cells_digest
from pipeline.ledger.cells import recorded_tables
from pipeline.ledger.entry import ledger_cells
from pipeline.ledger.read import ledger_releases
from pipeline.release.published import audited_cells
from pipeline.release.writer import PARTIAL_PREFIX
from pipeline.releases.ledger import ledger_declaration
from pipeline.releases.registry import RELEASES, release_steps
from pipeline.releases.spec import ReleaseSpec
from pipeline.rights.release_population import PUBLISHED, resolve_pending_releases
from pipeline.store import open_store
from pipeline.store.ledger_tables import LEDGER_TABLES

NAMES = [spec.name for spec in RELEASES]


def text_values(con: object, table: str) -> set[str]:
    """Every distinct text value of every VARCHAR column of a store table."""
    columns = [
        name
        for name, kind, *_ in con.execute(f"DESCRIBE {table}").fetchall()  # type: ignore[attr-defined]
        if kind == "VARCHAR"
    ]
    values: set[str] = set()
    for column in columns:
        rows = con.execute(f"SELECT DISTINCT {column} FROM {table}").fetchall()  # type: ignore[attr-defined]
        values |= {r[0] for r in rows if r[0] is not None}
    return values


@pytest.mark.slow
@pytest.mark.parametrize("spec", RELEASES, ids=NAMES)
def test_every_audited_cell_is_in_the_ledger_with_its_true_value(
    spec: ReleaseSpec, store: Path, tmp_path: Path
) -> None:
    run = run_steps(spec, store)
    counted, protected, profile = run
    published = publish_run(spec, store, tmp_path / "releases", run)
    manifest = json.loads((published.folder / "manifest.json").read_text())
    assert "revises" not in manifest and published.revises is None
    declaration = ledger_declaration(spec)
    audited = release_steps(spec).audited_tables(counted)
    with open_store(store) as con:
        (release,) = ledger_releases(con)
        tables = recorded_tables(con, published.release_id)
        census_upns = {r[0] for r in con.execute("SELECT DISTINCT upn FROM census").fetchall()}
        ledger_text = set().union(*(text_values(con, t) for t in LEDGER_TABLES))
        columns = {c for t in LEDGER_TABLES for c, *_ in con.execute(f"DESCRIBE {t}").fetchall()}
    assert (release.release_id, release.flow, release.period) == (
        published.release_id,
        spec.name,
        counted.period,
    )
    assert release.reference_date == counted.reference_date
    assert (release.profile, release.state, release.revises) == (profile.name, PUBLISHED, None)
    assert release.release_dir == published.folder.resolve()
    # every audited table, its dimensions, attributes and population
    assert [t.name for t in tables] == [t.name for t in audited]
    for table, original in zip(tables, audited, strict=True):
        assert table.dimensions == tuple(original.dimensions)
        assert table.attributes == declaration.attributes_of(original)
        assert table.population == spec.population
        assert table.population_sql == declaration.population_sql
        frame = protected.protection.tables[table.name]
        expected = ledger_cells(frame, table.dimension_names)
        assert table.cells.drop("value").equals(expected.drop("value"))
        assert table.cells["value"].to_list() == frame["value"].to_list()  # true values
        assert table.cells.height == frame.height
    # the published cells are exactly the audited ones, as written in the release
    cells = {t.name: t.cells.select(*t.dimension_names, "published") for t in tables}
    assert published_cells_digest(cells) == manifest["audit"]["digest"]
    written = audited_cells(release_steps(spec).release_tables(counted, protected, profile))
    for name, frame in written.items():
        assert frame.sort(frame.columns).equals(
            cells[name].select(frame.columns).sort(frame.columns)
        ), name
    # aggregates only: no UPN, nothing shaped like one, no identifier column
    assert not ledger_text & census_upns
    assert not [v for v in ledger_text if stdnum_upn.is_valid(v)]
    assert not columns & {"upn", "pupil_key"}


WRITER = textwrap.dedent(
    """
    # Imports once, then for each request on stdin ("<kill_at> <work>") forks a child that
    # writes the release and exits (9) at step kill_at, and answers the child's exit code:
    # a Python start-up per kill would cost a second each.
    import os, pickle, sys
    from pathlib import Path
    import polars as pl
    from disclosure import DFE
    from pipeline.ledger import record
    from pipeline.release import writer
    from pipeline.rights.release_population import PopulationRecord
    from pipeline.store import open_store

    steps, kill_at = [0], [0]

    def step(call):
        def wrapped(*args, **kwargs):
            steps[0] += 1
            if steps[0] == kill_at[0]:
                os._exit(9)
            result = call(*args, **kwargs)
            steps[0] += 1
            if steps[0] == kill_at[0]:
                os._exit(9)
            return result
        return wrapped

    writer.fsync_dir = step(writer.fsync_dir)
    writer.os.rename = step(os.rename)
    pl.DataFrame.write_csv = step(pl.DataFrame.write_csv)
    Path.write_text = step(Path.write_text)
    PopulationRecord.insert = step(PopulationRecord.insert)
    PopulationRecord.confirm = step(PopulationRecord.confirm)
    record.insert_entry = step(record.insert_entry)
    record.LedgerRecord.prepare = step(record.LedgerRecord.prepare)

    def write(work):
        tables, report, entry, statuses = pickle.loads((work / "release.pickle").read_bytes())
        with open_store(work / "store.duckdb") as con:
            writer.write_release(
                releases_dir=work / "releases", flow=entry.flow, reference_date="2025-10-02",
                profile=DFE, tables=tables, inputs=[], audit=report,
                documents={"README.md": "# note"},
                record=record.LedgerRecord(PopulationRecord(con, entry.flow, statuses), entry),
            )

    for line in sys.stdin:
        at, work = line.split(maxsplit=1)
        pid = os.fork()
        if pid == 0:
            kill_at[0] = int(at)
            try:
                write(Path(work.strip()))
            except BaseException as error:
                print(repr(error), file=sys.stderr)
                os._exit(1)
            os._exit(0)
        _, status = os.waitpid(pid, 0)
        print(os.waitstatus_to_exitcode(status), flush=True)
    """
)


def visible_releases(releases: Path) -> set[str]:
    if not releases.exists():
        return set()
    return {
        p.name
        for p in releases.iterdir()
        if not p.name.startswith(PARTIAL_PREFIX) and (p / "manifest.json").is_file()
    }


def recorded(db: Path) -> tuple[set[str], set[str]]:
    """The releases with a published population record, and those with a ledger entry (its
    release row and every table, dimension and cell); no ledger row may be orphaned."""
    with open_store(db) as con:
        resolve_pending_releases(con)
        population = {
            r[0]
            for r in con.execute(
                "SELECT r.release_id FROM release_records AS r WHERE r.state = ? AND EXISTS "
                "(SELECT 1 FROM release_population AS p WHERE p.release_id = r.release_id)",
                [PUBLISHED],
            ).fetchall()
        }
        ledger = {
            r.release_id
            for r in ledger_releases(con)
            if [t.cells.height for t in recorded_tables(con, r.release_id)] == [12]
        }
        for table in LEDGER_TABLES:
            orphans = con.execute(
                f"SELECT count(*) FROM {table} AS l WHERE NOT EXISTS "
                "(SELECT 1 FROM release_records AS r WHERE r.release_id = l.release_id)"
            ).fetchall()[0][0]
            assert orphans == 0, table
    return population, ledger


@pytest.mark.slow
def test_killed_at_any_step_the_folder_population_and_ledger_are_all_visible_or_none(
    tmp_path: Path,
) -> None:
    tables, report, entry = small_release()
    kills = 0
    writers = subprocess.Popen(
        [sys.executable, "-c", WRITER], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    assert writers.stdin is not None and writers.stdout is not None
    try:
        for kill_at in range(1, 80):
            work = tmp_path / f"kill-{kill_at}"
            work.mkdir()
            (work / "release.pickle").write_bytes(pickle.dumps((tables, report, entry, STATUSES)))
            with open_store(work / "store.duckdb"):
                pass
            writers.stdin.write(f"{kill_at} {work}\n")
            writers.stdin.flush()
            exit_code = int(writers.stdout.readline())
            assert exit_code in (0, 9), f"the writer failed at step {kill_at}"
            visible = visible_releases(work / "releases")
            population, ledger = recorded(work / "store.duckdb")
            assert visible == population == ledger, f"killed at step {kill_at}"
            if exit_code == 0:
                assert len(visible) == 1
                break
            kills += 1
        else:
            pytest.fail("the writer never finished")
    finally:
        writers.stdin.close()
        writers.wait(timeout=60)
    # every file and flush, the population's and the ledger's inserts, the transaction,
    # the rename and the confirmation
    assert kills >= 14


def test_a_code_shaped_like_a_upn_is_refused(tmp_path: Path) -> None:
    from dataclasses import replace

    from pipeline.ledger.record import LedgerRecord
    from pipeline.rights.release_population import PopulationRecord
    from schema.errors import ReleaseRefused

    _, _, entry = small_release()
    (table,) = entry.tables
    upn = stdnum_upn.calc_check_digit("359400110001") + "359400110001"
    leaked = table.cells.with_columns(
        pl.when(pl.col("school") == "3592001")
        .then(pl.lit(upn))
        .otherwise(pl.col("school"))
        .alias("school")
    )
    bad = replace(entry, tables=(replace(table, cells=leaked),))
    with (
        open_store(tmp_path / "store.duckdb") as con,
        pytest.raises(ReleaseRefused, match="shaped like a UPN"),
    ):
        LedgerRecord(PopulationRecord(con, entry.flow, STATUSES), bad)
