"""``--db`` given a file that is not a store (a CSV, a folder): every rights command refuses
it in one line naming the path, without opening it as a store or changing its mode."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from rights_store import make_upn
from typer.testing import CliRunner

from cli import app

UPN = make_upn(1)


@pytest.mark.parametrize(
    "command",
    [
        ["consent", "show", UPN],
        ["sar", UPN, "--out", "bundle"],
        ["erase", UPN, "--reason", "data_subject_request", "--yes"],
        ["retention", "--dry-run"],
    ],
)
def test_a_csv_given_as_the_store_is_refused_in_one_line(
    tmp_path: Path, command: list[str]
) -> None:
    csv = tmp_path / "census.csv"
    csv.write_text(f"upn,legal_surname\n{UPN},Smith\n")
    csv.chmod(0o644)
    result = CliRunner().invoke(
        app, [*command, "--db", str(csv)], env={"PUPILSTATS_REPORTS": str(tmp_path / "r")}
    )
    lines = result.output.strip().splitlines()
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert len(lines) == 1 and "is not a pupilstats store" in lines[0], result.output
    assert stat.S_IMODE(csv.stat().st_mode) == 0o644
    assert csv.read_text() == f"upn,legal_surname\n{UPN},Smith\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["census.csv"]


def test_a_folder_given_as_the_store_is_refused_in_one_line(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["consent", "show", UPN, "--db", str(tmp_path)])
    assert result.exit_code == 1 and "is not a file" in result.output
    assert len(result.output.strip().splitlines()) == 1
