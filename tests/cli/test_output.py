"""What the command line prints: its version, flags shown as flags, and paths never wrapped
(a long release path at 80 columns stays on one line, so it can be copied)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from importlib.metadata import version
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli import app
from pipeline.release.latest import point_latest
from pipeline.release.summary import RunResult

PUPILSTATS = Path(sys.executable).parent / "pupilstats"
runner = CliRunner()


def test_version_comes_from_the_package_metadata() -> None:
    done = subprocess.run(
        [str(PUPILSTATS), "--version"], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0
    assert done.stdout == f"pupilstats {version('pupilstats')}\n"


@pytest.mark.parametrize(
    ("command", "flags"),
    [
        ([], ["--version", "--help"]),
        (["run", "ccg-health"], ["--by-school", "--help"]),
        (["retention"], ["--dry-run", "--apply"]),
        (["ledger", "withdraw"], ["--yes"]),
    ],
)
def test_help_shows_flags_as_flags(command: list[str], flags: list[str]) -> None:
    result = runner.invoke(app, [*command, "--help"], env={"COLUMNS": "120"})
    assert result.exit_code == 0, result.output
    assert "<bool>" not in result.output
    for flag in flags:
        assert flag in result.output
    if command == ["run", "ccg-health"]:
        assert "--no-by-school" in result.output
        assert re.search(r"--academic-year\s+<str>", result.output), "values keep their type"


def every_command(command: object, path: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    """The path of every command and group under ``command`` (itself first)."""
    yield path
    for name, sub in getattr(command, "commands", {}).items():
        yield from every_command(sub, (*path, name))


def test_every_help_text_reflows_to_the_terminal_and_keeps_its_brackets() -> None:
    """A command's description wraps at the terminal's width as one paragraph (a docstring's
    own line breaks made lines of a word or two at 80 columns), and text in square brackets
    is shown, not taken for markup."""
    from typer.main import get_command

    paths = list(every_command(get_command(app)))
    assert len(paths) > 20
    for path in paths:
        result = runner.invoke(app, [*path, "--help"], env={"COLUMNS": "80"})
        assert result.exit_code == 0, (path, result.output)
        description = result.output.split("╭")[0].splitlines()
        paragraphs = "\n".join(line.strip() for line in description).split("\n\n")
        for paragraph in paragraphs:
            lines = [line for line in paragraph.splitlines() if line]
            for line in lines[:-1]:
                assert len(line) >= 50, (path, line, paragraph)
    retention = runner.invoke(app, ["retention", "--help"], env={"COLUMNS": "200"}).output
    assert "[confirmation]" in retention


def test_a_run_prints_whole_paths_its_note_latest_and_data_docs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from cli.app import console
    from cli.run import print_result

    deep = tmp_path / ("a-long-folder-name-" * 4) / "reports" / "releases"
    release = deep / "ccg-health-2026-07-10-20261203T072242Z-a4257e"
    release.mkdir(parents=True)
    (release / "README.md").write_text("note")
    point_latest(deep, "ccg-health", release)
    docs = tmp_path / ("quality-" * 8) / "index.html"
    monkeypatch.setattr(console, "width", 80)  # a terminal of 80 columns
    print_result(RunResult(release=release), [docs], "ccg-health")
    lines = capsys.readouterr().out.splitlines()
    assert f"release written: {release}" in lines
    assert f"reader's note: {release / 'README.md'}" in lines
    assert f"latest: {deep / 'latest' / 'ccg-health'}" in lines
    assert f"Data Docs: {docs}" in lines
    assert len(str(release)) > 80, "the test means a path longer than the terminal"


def test_an_error_naming_a_long_path_is_one_line_at_80_columns(tmp_path: Path) -> None:
    missing = tmp_path / ("no-such-folder-" * 6)
    env = {**os.environ, "COLUMNS": "80"}
    done = subprocess.run(
        [str(PUPILSTATS), "load", str(missing), "--db", str(tmp_path / "s.duckdb")],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert done.returncode == 1
    assert done.stderr.splitlines() == [
        f"error: {missing}: input folder not found (one holding census.csv, schools.csv, "
        "consent.csv)"
    ]


def test_quarantine_reasons_wrap_under_their_input_without_splitting_a_reason() -> None:
    from cli.data_commands import reason_lines

    reasons = [f"check_number_{n} {n * 10}" for n in range(1, 9)]
    lines = reason_lines(reasons, width=50)
    assert all(len(line) <= 50 for line in lines) and len(lines) > 1
    assert ", ".join(lines).replace(",,", ",") == ", ".join(reasons)
    assert all(line.endswith(",") for line in lines[:-1]) and not lines[-1].endswith(",")
    assert reason_lines([], width=50) == []
    assert reason_lines(["a_reason_longer_than_the_width 3"], width=10) == [
        "a_reason_longer_than_the_width 3"
    ]
