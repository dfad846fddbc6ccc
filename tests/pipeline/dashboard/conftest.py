"""Fixtures of the dashboard tests: a synthetic release written by the real writer."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.pipeline.dashboard.synthetic_release import write_synthetic_release


@pytest.fixture
def release_dir(tmp_path: Path) -> Path:
    return write_synthetic_release(tmp_path / "reports" / "releases")
