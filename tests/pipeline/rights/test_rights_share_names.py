"""A person-level output is named only with letters, digits and ``_ . -``, starting with a
letter or digit: ``sar --out`` took ``\\t=1+1`` and ``\\r=1+1`` as folder names (printed raw,
a CR rewriting the terminal's line) and answered a NUL byte with Click's usage box before the
hostile sweep; now such a name is refused in one line, before the store is opened, and
nothing is created."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from rights_store import Pupil, insert_pupils, make_upn
from typer.testing import CliRunner

from cli import app
from pipeline.rights.share_names import checked_share_name
from pipeline.store import open_store
from schema.errors import PupilstatsError

PUPIL = Pupil(make_upn(1), date(2011, 1, 1))


@pytest.mark.parametrize("name", ["bundle-1", "SAR_2025.0142", "x", "yss.csv"])
def test_a_plain_name_is_a_share_name(name: str) -> None:
    assert checked_share_name(name, "--out") == name


@pytest.mark.parametrize(
    "name", ["\t=1+1", "\r=1+1", "=1+1", "-rf", ".hidden", "a b", "x\u202ecsv", "", "a" * 101]
)
def test_anything_else_is_refused_naming_the_option(name: str) -> None:
    with pytest.raises(PupilstatsError, match=r"^--out .* is not a share name: 1-100 letters"):
        checked_share_name(name, "--out")


@pytest.mark.parametrize(
    "command",
    [
        ["sar", PUPIL.upn, "--out", "\r=1+1"],
        ["yss-extract", "--date", "2025-10-02", "--out", "\t=1+1.csv"],
        ["sar", PUPIL.upn, "--out", "Sm\x00ith"],
        ["yss-extract", "--date", "2025-10-02", "--out", "Sm\x00ith.csv"],
    ],
    ids=["sar", "yss-extract", "sar NUL", "yss-extract NUL"],
)
def test_the_commands_refuse_a_hostile_name_in_one_line_and_create_nothing(
    store_path: Path, tmp_path: Path, command: list[str]
) -> None:
    with open_store(store_path) as con:
        insert_pupils(con, [PUPIL])
    reports = tmp_path / "reports"
    result = CliRunner().invoke(app, [*command, "--db", str(store_path), "--reports", str(reports)])
    assert result.exit_code == 1
    (line,) = result.output.strip().splitlines()
    assert "is not a share name" in line and line.isprintable()
    made = list((reports / "shares").rglob("*")) if (reports / "shares").exists() else []
    assert [p for p in made if p.is_file() or "=1+1" in p.name] == []
