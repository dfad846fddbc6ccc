"""The nightly performance flow end to end: a synthetic borough's three years in, an audited
release of 30 tables out; a broken input leaves no release; transient store failures retry.

The two earlier years of a 24,000-pupil borough go straight into the store (no loader, to
keep the test short); the latest year (1% bad census rows) is loaded by the flow itself.
"""

from __future__ import annotations

import csv
import json
import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import duckdb
import pytest

from pipeline.release.summary import RunResult
from pipeline.store import open_store
from pipeline.synthetic import SyntheticBorough
from pipeline.synthetic.history import generate_history, write_history
from schema.errors import BatchRejected, PupilstatsError
from tests.pipeline.release.reader_checks import check_open_data, check_spreadsheet

INPUTS = ("schools", "census", "consent", "ks2", "ks4", "absence")
YEARS = ["2023/24", "2024/25", "2025/26"]
SYMBOL = "c"

pytestmark = pytest.mark.slow  # one flow run of a 24,000-pupil borough, about 20 s


def insert_years(path: Path, boroughs: list[SyntheticBorough]) -> None:
    """Earlier years as typed frames, straight into the store."""
    for borough in boroughs:
        with open_store(path) as con:
            con.execute("DELETE FROM schools")
            con.execute("DELETE FROM consent")
            for name in INPUTS:
                con.register("new_rows", borough.frames[name].to_arrow())
                con.execute(f"INSERT INTO {name} BY NAME SELECT * FROM new_rows")
                con.unregister("new_rows")


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[SyntheticBorough], list[Path]]:
    boroughs = generate_history(pupils=24_000, seed=11, defects=0.01)
    return boroughs, write_history(boroughs, tmp_path_factory.mktemp("history"))


@pytest.fixture(scope="module")
def run(
    prefect_harness: None,
    history: tuple[list[SyntheticBorough], list[Path]],
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[RunResult, Path]]:
    from flows.releases import RELEASE_FLOWS

    boroughs, folders = history
    work = tmp_path_factory.mktemp("nightly")
    insert_years(work / "store.duckdb", boroughs[:-1])
    result = RELEASE_FLOWS["nightly-performance"](
        input_dirs=[folders[-1]], db=work / "store.duckdb", reports=work / "reports"
    )
    yield result, work


def read_rows(release: Path, table: dict[str, object]) -> list[dict[str, str]]:
    with (release / str(table["file"])).open(newline="") as handle:
        return list(csv.DictReader(handle))


def manifest_of(release: Path) -> dict[str, object]:
    return json.loads((release / "manifest.json").read_text())


def test_release_is_audited_with_three_years_and_no_small_counts(
    run: tuple[RunResult, Path],
) -> None:
    result, work = run
    release = result.release
    assert release.parent == work / "reports" / "releases"
    assert release.name.startswith("nightly-performance-2025-10-02-")
    manifest = manifest_of(release)
    assert manifest["flow"] == "nightly-performance"
    assert manifest["audit"]["passed"] is True and manifest["audit"]["cells_audited"] > 0
    tables = manifest["tables"]
    assert len(tables) == 30
    assert {d["file"] for d in manifest["documents"]} == {"README.md", "schools.csv"}
    counts_checked = 0
    for table in tables:
        rows = read_rows(release, table)
        assert sorted({r["academic_year"] for r in rows}) == YEARS, table["name"]
        assert table["title"] and table["audit_passed"] is True
        for row in rows:
            if row["pupils"] != SYMBOL:
                assert not 1 <= int(row["pupils"]) <= 2, (table["name"], row)
                counts_checked += 1
    assert counts_checked > 10_000
    census = next(r for r in result.loads if r.input == "census")
    assert census.rows_quarantined > 0
    assert result.facts["census rows excluded by research opt-outs"] > 0
    assert not [p for p in release.parent.iterdir() if p.name.startswith(".partial-")]

    from prefect.artifacts import Artifact

    summary = Artifact.get("nightly-performance-summary")
    assert summary is not None and release.name in str(summary.data)


def test_open_data_and_spreadsheet_hold_exactly_the_published_cells(
    run: tuple[RunResult, Path],
) -> None:
    """Every EES file passes the standard's column rules and every figure of the EES files
    and of the spreadsheet is the release CSV's (tests/pipeline/release/reader_checks.py)."""
    release = run[0].release
    assert check_open_data(release) > 10_000
    assert check_spreadsheet(release) > 10_000
    manifest = manifest_of(release)
    for table in manifest["tables"]:
        columns = {c["column"]: c for c in table["columns"]}
        assert set(columns) == {d["column"] for d in table["dimensions"]} | {"pupils"} | {
            d["column"] for d in table["derived"]
        }
        assert all(c["title"] for c in columns.values()) and table["description"]


RECORDS = {
    "ks2": ("ks2", ""),
    "ks4": ("ks4", ""),
    "absence": ("absence", " AND possible_sessions > 0"),
}
COHORTS = {
    "pupils with a KS2 result that year": "ks2",
    "pupils with a KS4 result that year": "ks4",
    "enrolments with at least one possible session that year": "absence",
}
COUNTS_TABLE = {
    "ks2": "ks2_expected_sex",
    "ks4": "ks4_english_maths_5_sex",
    "absence": "absence_persistent_sex",
}


def test_the_note_reconciles_each_cohort_with_the_delivered_records(
    run: tuple[RunResult, Path],
) -> None:
    """Issue 18: per year and measure, records without an opt-out less those not on roll at
    the census = the cohort, the LA Total the tables publish; the records are counted here
    from the store, apart from the release's code."""
    result, work = run
    release = result.release
    text = (release / "README.md").read_text(encoding="utf-8")
    section = text.split("## How the totals reconcile with the source")[1].split("\n## ")[0]
    rows = [
        [cell.strip() for cell in line.strip("|").split("|")]
        for line in section.splitlines()
        if line.startswith("| 20")
    ]
    assert len(rows) == 9
    with duckdb.connect(str(work / "store.duckdb"), read_only=True) as con:
        for year, cohort, records, elsewhere, counted in rows:
            family = COHORTS[cohort]
            table, only = RECORDS[family]
            (census_date,) = con.execute(
                "SELECT max(census_date) FROM census WHERE census_date BETWEEN ? AND ?",
                [date(int(year[:4]), 9, 1), date(int(year[:4]) + 1, 8, 31)],
            ).fetchone()
            (delivered,) = con.execute(
                f"SELECT count(*) FROM {table} WHERE academic_year = ?{only} AND upn NOT IN "
                "(SELECT upn FROM consent_register WHERE consent_type = 'research_opt_out' "
                "AND effective_from <= ? AND (withdrawn_on IS NULL OR withdrawn_on > ?))",
                [year, census_date, census_date],
            ).fetchone()
            assert records == str(delivered), (year, family)
            rows_csv = read_rows(release, {"file": f"{COUNTS_TABLE[family]}.csv"})
            (total,) = [
                r["pupils"]
                for r in rows_csv
                if r["academic_year"] == year and r["school"] == r["sex"] == r["outcome"] == "Total"
            ]
            assert counted == total != SYMBOL
            assert int(records) - int(elsewhere) == int(counted)


def test_percentages_and_means_follow_the_published_counts(run: tuple[RunResult, Path]) -> None:
    release = run[0].release
    tables = {t["name"]: t for t in manifest_of(release)["tables"]}
    checked = 0
    for name, table in tables.items():
        if table["kind"] != "counts":
            continue
        rows = read_rows(release, table)
        dims = [d["column"] for d in table["dimensions"] if d["column"] != "outcome"]
        cohort = {tuple(r[d] for d in dims): r["pupils"] for r in rows if r["outcome"] == "Total"}
        for row in rows:
            total = cohort[tuple(row[d] for d in dims)]
            if SYMBOL in (row["pupils"], total):
                assert row["percentage"] == SYMBOL
            elif total != "0":
                expected = 100 * int(row["pupils"]) / int(total)
                assert abs(float(row["percentage"]) - expected) <= 0.0501
                checked += 1
        means = tables[name.replace(*_MEANS_OF[table["family"]])]
        for row in read_rows(release, means):
            key = tuple(row[d] for d in dims)
            assert row["pupils"] == cohort[key]
            for column in (c["column"] for c in means["derived"]):
                assert (row[column] == SYMBOL) == (row["pupils"] == SYMBOL), (means["name"], row)
    assert checked > 5_000


_MEANS_OF = {
    "ks2": ("ks2_expected", "ks2_scores"),
    "ks4": ("ks4_english_maths_5", "ks4_attainment"),
    "absence": ("absence_persistent", "absence_rate"),
}


def test_opted_out_pupils_are_not_counted(run: tuple[RunResult, Path]) -> None:
    """The LA's KS2 cohort is the year's KS2 rows of pupils on the census without a research
    opt-out in force at the census date, counted here straight from the consent register."""
    result, work = run
    table = next(
        t for t in manifest_of(result.release)["tables"] if t["name"] == "ks2_expected_sex"
    )
    published = next(
        r["pupils"]
        for r in read_rows(result.release, table)
        if (r["academic_year"], r["school"], r["sex"], r["outcome"])
        == ("2025/26", "Total", "Total", "Total")
    )
    census_date = date(2025, 10, 2)
    with open_store(work / "store.duckdb") as con:
        on_census, opted_out = con.execute(
            """
            WITH pupils AS (
                SELECT DISTINCT k.upn FROM ks2 AS k
                JOIN census AS c ON c.upn = k.upn AND c.census_date = $d
                    AND c.enrolment_status IN ('C', 'M')
                WHERE k.academic_year = '2025/26'
            )
            SELECT count(*),
                   count(*) FILTER (WHERE upn IN (SELECT upn FROM research_opt_outs_on($d::DATE)))
            FROM pupils
            """,
            {"d": census_date},
        ).fetchall()[0]
        recorded = dict(
            con.execute(
                "SELECT status, count(*) FROM release_population WHERE release_id = ? "
                "GROUP BY status",
                [result.release.name],
            ).fetchall()
        )
    assert opted_out > 0
    assert int(published) == on_census - opted_out
    assert recorded["excluded_opt_out"] > 0 and recorded["counted"] > 20_000


def test_a_broken_input_fails_the_run_and_releases_nothing(
    run: tuple[RunResult, Path], history: tuple[list[SyntheticBorough], list[Path]], tmp_path: Path
) -> None:
    from flows.releases import RELEASE_FLOWS
    from pipeline.dashboard.status import BANNER_END, BANNER_START

    result, work = run
    broken = tmp_path / "broken"
    shutil.copytree(history[1][-1], broken)
    header = (broken / "census.csv").read_text().splitlines()[0]
    (broken / "census.csv").write_text(header + "\n")
    before = sorted(p.name for p in (work / "reports" / "releases").iterdir())
    page = work / "reports" / "dashboard" / "index.html"
    good = page.read_text()
    assert 'data-state="ok"' in good and result.release.name in good
    state = RELEASE_FLOWS["nightly-performance"](
        input_dirs=[broken],
        db=work / "store.duckdb",
        reports=work / "reports",
        return_state=True,
    )
    assert state.is_failed()
    with pytest.raises(PupilstatsError):
        state.result()
    assert sorted(p.name for p in (work / "reports" / "releases").iterdir()) == before
    assert result.release.exists()
    # yesterday's figures stay; only the banner and status.json say the update failed
    marked = page.read_text()
    outside = marked.split(BANNER_START)[0] + marked.split(BANNER_END)[1]
    assert outside == good.split(BANNER_START)[0] + good.split(BANNER_END)[1]
    assert 'data-state="failed"' in marked
    status = json.loads((work / "reports" / "dashboard" / "status.json").read_text())
    assert status["state"] == "failed"
    assert status["last_success"]["release_id"] == result.release.name


def test_only_transient_store_failures_are_retried() -> None:
    from prefect.states import Failed

    from flows.tasks.base import STORE_RETRIES, transient_failure
    from flows.tasks.release import count_release, protect_release, publish_release

    locked = duckdb.IOException('IO Error: Could not set lock on file "store.duckdb"')
    assert transient_failure(None, None, Failed(data=locked))  # type: ignore[arg-type]
    assert transient_failure(None, None, Failed(data=OSError("disk")))  # type: ignore[arg-type]
    rejected = BatchRejected("census.csv", ["no rows"])
    assert not transient_failure(None, None, Failed(data=rejected))  # type: ignore[arg-type]
    assert count_release.retries == STORE_RETRIES == 2
    assert protect_release.retries == 0 and publish_release.retries == 0


def test_cli_releases_an_earlier_year_and_refuses_a_malformed_one(
    run: tuple[RunResult, Path],
) -> None:
    from typer.testing import CliRunner

    from cli import app

    _, work = run
    store = ["--db", str(work / "store.duckdb"), "--reports", str(work / "cli")]
    runner = CliRunner()
    bad = runner.invoke(app, ["run", "nightly-performance", "--academic-year", "2025/27", *store])
    assert bad.exit_code == 1
    assert "2025/26" in bad.output and "Traceback" not in bad.output
    done = runner.invoke(app, ["run", "nightly-performance", "--academic-year", "2024/25", *store])
    assert done.exit_code == 0, done.output
    (release,) = [p for p in (work / "cli" / "releases").iterdir() if p.name != "latest"]
    assert release.name.startswith("nightly-performance-2024-10-03-")
    table = next(t for t in manifest_of(release)["tables"] if t["name"] == "ks4_attainment_sex")
    assert sorted({r["academic_year"] for r in read_rows(release, table)}) == YEARS[:2]
