"""``generate`` creates the folders of its pupil-level files owner-only (``data/`` is 0700),
whatever the umask, and leaves folders that were already there as they were."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from typer.testing import CliRunner

from cli import app


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_generate_creates_data_and_its_year_folders_owner_only(tmp_path: Path) -> None:
    existing = tmp_path / "project"
    existing.mkdir(mode=0o755)
    existing.chmod(0o755)
    out = existing / "data" / "synthetic" / "2025-26"
    old = os.umask(0o022)
    try:
        result = CliRunner().invoke(
            app, ["generate", "--pupils", "500", "--seed", "1", "--out", str(out)]
        )
    finally:
        os.umask(old)
    assert result.exit_code == 0, result.output
    assert [mode(p) for p in (out.parent.parent, out.parent, out)] == [0o700] * 3
    assert mode(existing) == 0o755
    assert (out / "census.csv").exists()
