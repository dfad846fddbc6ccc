"""``pupilstats run``: a user's mistake is answered before any flow starts.

Each case runs the real ``pupilstats`` executable and checks that it answers in under 2 s,
with exit code 1, one line on stderr naming what would be valid, and no traceback; one test
checks that Prefect is not even imported. The store is a DuckDB file holding a ``census``
table with three census dates (all the check reads).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

from cli.run_arguments import academic_year_text, check_run_arguments
from pipeline.releases.registry import CCG_HEALTH, FUNDING_ROUND, NIGHTLY_PERFORMANCE
from schema.errors import PupilstatsError
from schema.inputs import CENSUS, CONSENT, SCHOOLS

PUPILSTATS = Path(sys.executable).parent / "pupilstats"
CENSUS_DATES = ("2023-10-05", "2024-10-03", "2025-10-02")
LIMIT_SECONDS = 2.0


@dataclass(frozen=True)
class Answer:
    returncode: int
    stdout: str
    stderr: str
    seconds: float


def store_with_censuses(path: Path, dates: tuple[str, ...] = CENSUS_DATES) -> Path:
    with duckdb.connect(str(path)) as con:
        con.execute("CREATE TABLE census (census_date DATE, upn VARCHAR)")
        for day in dates:
            con.execute("INSERT INTO census VALUES (?, 'A000000000000')", [day])
    return path


def input_folder(folder: Path, census_date: str) -> Path:
    """A folder with the three required inputs; its census is of ``census_date``."""
    folder.mkdir(parents=True)
    (folder / "schools.csv").write_text(",".join(SCHOOLS.column_names) + "\n")
    (folder / "consent.csv").write_text(",".join(CONSENT.column_names) + "\n")
    row = {c: "" for c in CENSUS.column_names} | {"census_date": census_date}
    (folder / "census.csv").write_text(
        ",".join(CENSUS.column_names) + "\n" + ",".join(row.values()) + "\n"
    )
    return folder


def pupilstats(*args: str) -> Answer:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PUPILSTATS_", "PREFECT_"))}
    started = time.monotonic()
    done = subprocess.run(
        [str(PUPILSTATS), *args], capture_output=True, text=True, env=env, timeout=60
    )
    return Answer(done.returncode, done.stdout, done.stderr, time.monotonic() - started)


@pytest.fixture(scope="module")
def work(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("run-arguments")
    store_with_censuses(root / "store.duckdb")
    input_folder(root / "synthetic" / "2024-25", "2024-10-03")
    input_folder(root / "synthetic" / "2025-26", "2025-10-02")
    return root


CASES = {
    "unknown census date": (
        ["funding-round", "--census-date", "2025-10-09"],
        ["no census of 2025-10-09 in the store", "census dates: " + ", ".join(CENSUS_DATES)],
    ),
    "malformed census date": (
        ["funding-round", "--census-date", "2025-13-01"],
        ["census date '2025-13-01' is not a date YYYY-MM-DD"],
    ),
    "census date not that of the input folder": (
        ["funding-round", "--census-date", "2025-10-02", "--input", "{work}/synthetic/2024-25"],
        ["the census in {work}/synthetic/2024-25 is of 2024-10-03", "give that date"],
    ),
    "missing input folder": (
        ["funding-round", "--input", "{work}/nowhere"],
        ["{work}/nowhere: input folder not found", "census.csv, schools.csv, consent.csv"],
    ),
    "a file given as the input folder": (
        ["funding-round", "--input", "{work}/synthetic/2025-26/census.csv"],
        ["is a file, not an input folder: give its folder ({work}/synthetic/2025-26)"],
    ),
    "the folder of year folders": (
        ["nightly-performance", "--input", "{work}/synthetic"],
        ["holds one folder per year (2024-25, 2025-26)", "e.g. {work}/synthetic/2025-26"],
    ),
    "unknown profile": (
        ["ccg-health", "--academic-year", "2025-26", "--profile", "nope"],
        ["--profile 'nope' is not a release profile; profiles: dfe, nhs, dfe-performance"],
    ),
    "academic year of no census": (
        ["ccg-health", "--academic-year", "2027/28"],
        ["no census in academic year 2027/28", "academic years: 2023/24, 2024/25, 2025/26"],
    ),
    "malformed academic year": (
        ["nightly-performance", "--academic-year", "2025/27"],
        ["academic year '2025/27' is not of the form 2025/26"],
    ),
}


@pytest.mark.parametrize("case", list(CASES))
def test_a_mistake_is_one_line_in_under_two_seconds(work: Path, case: str) -> None:
    args, expected = CASES[case]
    answer = pupilstats(
        "run",
        *[a.format(work=work) for a in args],
        "--db",
        str(work / "store.duckdb"),
        "--reports",
        str(work / "reports"),
    )
    assert answer.returncode == 1, answer
    lines = answer.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), answer.stderr
    for text in expected:
        assert text.format(work=work) in lines[0]
    assert "Traceback" not in answer.stderr + answer.stdout
    assert answer.stdout == ""
    assert answer.seconds < LIMIT_SECONDS, f"{case}: {answer.seconds:.2f} s"
    assert not (work / "reports").exists()


def test_an_empty_store_says_how_to_fill_it(tmp_path: Path) -> None:
    answer = pupilstats("run", "nightly-performance", "--db", str(tmp_path / "none.duckdb"))
    assert answer.returncode == 1 and len(answer.stderr.splitlines()) == 1
    assert f"the store {tmp_path / 'none.duckdb'} holds no census" in answer.stderr
    assert "pupilstats load FOLDER" in answer.stderr and "--input FOLDER" in answer.stderr
    assert not (tmp_path / "none.duckdb").exists(), "the check creates no store"


def test_no_prefect_is_imported_for_a_mistake(work: Path) -> None:
    code = (
        "import atexit, sys\n"
        "atexit.register(lambda: print('prefect loaded:', 'prefect' in sys.modules))\n"
        "from cli import main\n"
        "sys.argv = ['pupilstats', *sys.argv[1:]]\n"
        "main()\n"
    )
    args = ["run", "funding-round", "--census-date", "2020-10-01", "--db", f"{work}/store.duckdb"]
    done = subprocess.run(
        [sys.executable, "-c", code, *args],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1
    assert "no census of 2020-10-01" in done.stderr
    assert done.stdout.strip() == "prefect loaded: False"


def test_both_spellings_of_an_academic_year_are_accepted(work: Path) -> None:
    assert academic_year_text("2025-26") == "2025/26" == academic_year_text(" 2025/26 ")
    assert academic_year_text("2025-10-02") == "2025-10-02"
    for spelling in ("2025-26", "2025/26"):
        for spec in (CCG_HEALTH, NIGHTLY_PERFORMANCE):
            checked = check_run_arguments(
                spec,
                spelling,
                profile=spec.default_profile,
                input_dirs=[],
                db=work / "store.duckdb",
            )
            assert checked == "2025/26"


def test_valid_arguments_pass_with_or_without_input_folders(work: Path) -> None:
    store = work / "store.duckdb"
    period = check_run_arguments(
        FUNDING_ROUND, "2025-10-02", profile="dfe", input_dirs=[], db=store
    )
    assert period == "2025-10-02"
    new_year = work / "synthetic" / "2025-26"
    assert (
        check_run_arguments(
            FUNDING_ROUND, "2025-10-02", profile="dfe", input_dirs=[new_year], db=store
        )
        == "2025-10-02"
    )
    # A census only in the input folder (not yet in the store) is fine: the run loads it.
    empty = work / "empty.duckdb"
    assert check_run_arguments(
        CCG_HEALTH, "2025/26", profile="nhs", input_dirs=[new_year], db=empty
    ) == ("2025/26")
    with pytest.raises(PupilstatsError, match="academic years: 2025/26"):
        check_run_arguments(CCG_HEALTH, "2023/24", profile="nhs", input_dirs=[new_year], db=empty)


def test_a_store_whose_last_load_did_not_finish_is_refused_before_the_flow(
    tmp_path: Path,
) -> None:
    """A load killed outright leaves its run unfinished in ``load_runs``: a run without
    ``--input`` (which would settle it) is refused in one line naming the delivery."""
    from pipeline.load.load_runs import begin_load

    db = store_with_censuses(tmp_path / "store.duckdb")
    with duckdb.connect(str(db)) as con:
        begin_load(con, {"census": tmp_path / "2025-26" / "census.csv"})  # then killed
    answer = pupilstats("run", "funding-round", "--census-date", "2025-10-02", "--db", str(db))
    assert answer.returncode == 1 and len(answer.stderr.splitlines()) == 1, answer
    assert "did not finish: load that delivery again" in answer.stderr
    assert str(tmp_path / "2025-26") in answer.stderr
    assert answer.seconds < LIMIT_SECONDS
