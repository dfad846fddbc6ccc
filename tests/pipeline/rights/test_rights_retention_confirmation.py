"""An --apply that would delete a large share of the store asks first: without --yes (and
without a terminal to ask on) it stops in one line and deletes nothing; a small share, or
--yes, goes ahead. What it deleted does not stay in the store file's free blocks."""

from __future__ import annotations

import subprocess
from datetime import date, timedelta
from pathlib import Path

import pytest
from rights_store import Pupil, insert_pupils, make_upn
from test_rights_retention_safety import row_counts
from typer.testing import CliRunner

import cli.rights
from cli import app
from pipeline.rights.retention import RetentionCount, load_schedule, share_deleted
from pipeline.store import open_store

AS_OF = date(2025, 10, 10)
OLD = [Pupil(make_upn(i), date(2000, 1, 1), surname="Oldpupil") for i in range(1, 4)]
YOUNG = [Pupil(make_upn(i), date(2014, 1, 1) + timedelta(days=i)) for i in range(10, 60)]


def retention(store_path: Path, *args: str) -> tuple[int, list[str]]:
    db = ["--as-of", AS_OF.isoformat(), "--db", str(store_path)]
    result = CliRunner().invoke(app, ["retention", *args, *db])
    assert "Traceback" not in result.output
    return result.exit_code, result.output.strip().splitlines()


def strings_hits(path: Path, text: str) -> int:
    """How many printable strings of the file hold ``text`` (as ``strings | grep -c``)."""
    found = subprocess.run(["strings", "-n", "6", str(path)], capture_output=True, check=True)
    return sum(text in line for line in found.stdout.decode().splitlines())


def test_the_threshold_is_read_from_the_schedule() -> None:
    assert load_schedule().confirm_above_share == 0.10
    assert share_deleted([RetentionCount("census", "pupil_records", 5)], 40) == 0.125
    assert share_deleted([], 0) == 0.0


def test_a_large_share_needs_yes_and_then_leaves_no_copy_in_the_file(store_path: Path) -> None:
    with open_store(store_path) as con:
        insert_pupils(con, OLD + YOUNG[:5])
    before = row_counts(store_path)
    code, lines = retention(store_path, "--apply")
    assert code == 1 and len(lines) == 1, lines
    assert "would delete 3 of 9 rows (33%)" in lines[0] and "--yes" in lines[0]
    assert row_counts(store_path) == before
    assert strings_hits(store_path, OLD[0].upn) > 0
    code, lines = retention(store_path, "--apply", "--yes")
    assert code == 0 and lines[-1] == f"3 row(s) deleted as of {AS_OF}"
    assert strings_hits(store_path, OLD[0].upn) == 0
    assert strings_hits(store_path, "Oldpupil") == 0
    assert strings_hits(store_path, YOUNG[0].upn) > 0  # the control: still held


def test_a_small_share_goes_ahead_without_asking(store_path: Path) -> None:
    with open_store(store_path) as con:
        insert_pupils(con, OLD[:1] + YOUNG)
    code, lines = retention(store_path, "--apply")
    assert code == 0 and lines[-1] == f"1 row(s) deleted as of {AS_OF}", lines
    code, lines = retention(store_path, "--apply")
    assert code == 0 and lines[-1] == f"0 row(s) deleted as of {AS_OF}"


def test_at_a_terminal_it_asks_and_no_deletes_nothing(
    store_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with open_store(store_path) as con:
        insert_pupils(con, OLD + YOUNG[:5])
    before = row_counts(store_path)
    monkeypatch.setattr(cli.rights, "interactive", lambda: True)
    db = ["--as-of", AS_OF.isoformat(), "--db", str(store_path)]
    refused = CliRunner().invoke(app, ["retention", "--apply", *db], input="n\n")
    assert refused.exit_code == 1 and "Delete them?" in refused.output
    assert refused.output.strip().endswith("nothing deleted")
    assert row_counts(store_path) == before
    agreed = CliRunner().invoke(app, ["retention", "--apply", *db], input="y\n")
    assert agreed.exit_code == 0 and f"3 row(s) deleted as of {AS_OF}" in agreed.output
