"""The command line: bad input gives one clear error naming the file, and a non-zero exit."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli import app
from schema.inputs import CENSUS, CONSENT, SCHOOLS

runner = CliRunner()


def borough_folder(tmp_path: Path, census_text: str | bytes) -> Path:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "schools.csv").write_text(
        ",".join(SCHOOLS.column_names) + "\n8012001,100001,Alder Primary,primary,E05000001,Alder\n"
    )
    (folder / "consent.csv").write_text(",".join(CONSENT.column_names) + "\n")
    path = folder / "census.csv"
    if isinstance(census_text, bytes):
        path.write_bytes(census_text)
    else:
        path.write_text(census_text)
    return folder


@pytest.mark.parametrize(
    ("census", "message"),
    [
        ("census_date,upn\n2025-10-02,B801200005001\n", "missing column(s) for the census input"),
        (";".join(CENSUS.column_names) + "\n", "separated by semicolons"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00", "binary"),
    ],
)
def test_bad_census_file_is_one_clear_error(
    tmp_path: Path, census: str | bytes, message: str
) -> None:
    folder = borough_folder(tmp_path, census)
    result = runner.invoke(app, ["load", str(folder), "--db", str(tmp_path / "s.duckdb")])
    assert result.exit_code == 1
    assert message in result.output
    assert str(folder / "census.csv") in result.output.replace("\n", "")
    assert "Traceback" not in result.output


def test_missing_input_folder_is_reported(tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["load", str(tmp_path / "nowhere"), "--db", str(tmp_path / "s.duckdb")]
    )
    assert result.exit_code == 1
    assert "input folder not found" in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--pupils", "300"], "needs at least 500 pupils, not 300"),
        (["--defects", "0.5"], "defects must be a share between 0 and 0.2"),
        (["--la", "1"], "LA number 1"),
    ],
)
def test_generate_refuses_impossible_arguments_in_one_line(
    tmp_path: Path, args: list[str], message: str
) -> None:
    result = runner.invoke(app, ["generate", *args, "--out", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert message in result.output and "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["sar", "-x"], "error: No such option: -x; see pupilstats sar --help"),
        (["sar", "-2+3+cmd|' /C calc'!A0"], "error: No such option: -2; see pupilstats sar --help"),
        (["sar"], "error: Missing argument 'upn'; see pupilstats sar --help"),
        (["generate", "--pupils", "=1+1"], "error: Invalid value for '--pupils'"),
    ],
)
def test_a_mistake_in_the_command_line_is_one_line(args: list[str], message: str) -> None:
    """The console command (not Typer's several-line usage box): exit 2, one line."""
    import subprocess
    import sys

    command = Path(sys.executable).with_name("pupilstats")
    done = subprocess.run([str(command), *args], capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert done.stderr.startswith(message) and len(done.stderr.strip().splitlines()) == 1
    assert "Traceback" not in done.stderr and done.stdout == ""
