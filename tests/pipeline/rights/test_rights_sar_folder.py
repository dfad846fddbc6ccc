"""``sar --out`` trusts no folder it did not make: only a new (or empty, own, unshared)
folder under ``<reports>/shares/sar/``, never a link, never a chmod of what was there, files
created ``O_EXCL | O_NOFOLLOW``, and every refusal one line."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from rights_store import Pupil, insert_pupils, make_upn
from typer.testing import CliRunner

from cli import app
from pipeline.rights.share_folder import write_new_file
from pipeline.store import open_store

SUBJECT = make_upn(1)


@pytest.fixture
def reports(tmp_path: Path, store_path: Path) -> Path:
    with open_store(store_path) as con:
        insert_pupils(con, [Pupil(SUBJECT, date(2011, 1, 1))])
    return tmp_path / "reports"


@pytest.fixture
def sar_home(reports: Path) -> Path:
    home = reports / "shares" / "sar"
    home.mkdir(parents=True, mode=0o700)
    return home


def sar(store_path: Path, reports: Path, out: Path | str) -> tuple[int, list[str]]:
    result = CliRunner().invoke(
        app,
        ["sar", SUBJECT, "--out", str(out), "--db", str(store_path), "--reports", str(reports)],
    )
    assert "Traceback" not in result.output
    return result.exit_code, result.output.strip().splitlines()


def sar_logged(store_path: Path) -> int:
    with open_store(store_path) as con:
        query = "SELECT count(*) FROM rights_audit_log WHERE action = 'sar'"
        return con.execute(query).fetchall()[0][0]


def test_a_new_folder_under_the_shares_is_made_owner_only(store_path: Path, reports: Path) -> None:
    old = os.umask(0)
    try:
        code, lines = sar(store_path, reports, "request-1")
    finally:
        os.umask(old)
    assert code == 0, lines
    folder = reports / "shares" / "sar" / "request-1"
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    for path in (reports / "shares", reports / "shares" / "sar"):
        assert stat.S_IMODE(path.stat().st_mode) == 0o700
    assert sorted(p.name for p in folder.iterdir()) == ["subject-access.json", "subject-access.md"]
    assert {stat.S_IMODE(p.stat().st_mode) for p in folder.iterdir()} == {0o600}


@pytest.mark.parametrize("where", ["/etc/pupilstats-sar", "elsewhere", "reports", "nested"])
def test_a_folder_outside_the_shares_is_refused_and_nothing_written(
    store_path: Path, reports: Path, tmp_path: Path, where: str
) -> None:
    out = {
        "/etc/pupilstats-sar": Path("/etc/pupilstats-sar"),
        "elsewhere": tmp_path / "elsewhere",
        "reports": reports / "dashboard",
        "nested": reports / "shares" / "sar" / "a" / "b",
    }[where]
    code, lines = sar(store_path, reports, out)
    assert code == 1 and len(lines) == 1
    assert "written only in a new folder directly under" in lines[0]
    assert not out.exists()
    assert sar_logged(store_path) == 0


def test_a_planted_symlink_is_refused_and_its_target_untouched(
    store_path: Path, reports: Path, sar_home: Path, tmp_path: Path
) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir(mode=0o755)
    (sar_home / "request-1").symlink_to(elsewhere)
    code, lines = sar(store_path, reports, "request-1")
    assert code == 1 and len(lines) == 1 and "is a symbolic link" in lines[0]
    assert list(elsewhere.iterdir()) == []
    assert stat.S_IMODE(elsewhere.stat().st_mode) == 0o755


def test_a_symlinked_shares_folder_is_refused(
    store_path: Path, reports: Path, tmp_path: Path
) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (reports / "shares").mkdir(parents=True)
    (reports / "shares" / "sar").symlink_to(elsewhere)
    code, lines = sar(store_path, reports, "request-1")
    assert code == 1 and len(lines) == 1 and "is a symbolic link" in lines[0]
    assert list(elsewhere.iterdir()) == []


def test_a_shared_1777_folder_is_refused_and_never_chmodded(
    store_path: Path, reports: Path, sar_home: Path
) -> None:
    shared = sar_home / "shared"
    shared.mkdir()
    shared.chmod(0o1777)
    code, lines = sar(store_path, reports, "shared")
    assert code == 1 and len(lines) == 1 and "writable by others (mode 1777)" in lines[0]
    assert stat.S_IMODE(shared.stat().st_mode) == 0o1777
    assert list(shared.iterdir()) == []


def test_an_empty_own_folder_is_used_as_it_is(
    store_path: Path, reports: Path, sar_home: Path
) -> None:
    mine = sar_home / "mine"
    mine.mkdir()
    mine.chmod(0o750)
    code, lines = sar(store_path, reports, mine)
    assert code == 0, lines
    assert stat.S_IMODE(mine.stat().st_mode) == 0o750  # what it did not create, it leaves
    assert {stat.S_IMODE(p.stat().st_mode) for p in mine.iterdir()} == {0o600}


def test_an_existing_file_or_full_folder_gives_one_line(
    store_path: Path, reports: Path, sar_home: Path
) -> None:
    (sar_home / "a-file").write_text("not a folder")
    code, lines = sar(store_path, reports, "a-file")
    assert code == 1 and lines == [lines[0]] and "exists and is not a folder" in lines[0]
    assert (sar_home / "a-file").read_text() == "not a folder"
    code, lines = sar(store_path, reports, "request-1")
    assert code == 0
    code, lines = sar(store_path, reports, "request-1")
    assert code == 1 and len(lines) == 1 and "is not empty" in lines[0]
    assert sar_logged(store_path) == 1


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to give a folder to another user")
def test_a_folder_of_another_user_is_refused(
    store_path: Path, reports: Path, sar_home: Path
) -> None:
    theirs = sar_home / "theirs"
    theirs.mkdir(mode=0o700)
    os.chown(theirs, 65534, 65534)
    code, lines = sar(store_path, reports, "theirs")
    assert code == 1 and len(lines) == 1 and "belongs to another user" in lines[0]


@pytest.fixture
def folder(tmp_path: Path) -> Iterator[Path]:
    made = tmp_path / "bundle"
    made.mkdir(mode=0o700)
    yield made


def test_a_new_file_never_follows_or_replaces_a_planted_name(folder: Path, tmp_path: Path) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me")
    (folder / "subject-access.md").symlink_to(victim)
    with pytest.raises(Exception, match="already exists: give a new folder"):
        write_new_file(folder, "subject-access.md", b"secret")
    assert victim.read_text() == "keep me"
    assert sorted(p.name for p in folder.iterdir()) == ["subject-access.md"]  # no temporary


def test_a_new_file_is_owner_only_whatever_the_umask(folder: Path) -> None:
    old = os.umask(0)
    try:
        path = write_new_file(folder, "subject-access.json", b"{}")
    finally:
        os.umask(old)
    assert path.read_bytes() == b"{}"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert [p.name for p in folder.iterdir()] == ["subject-access.json"]
