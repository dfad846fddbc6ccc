"""One GX context for every test here: created once per session (GX import takes seconds)."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture(scope="session", autouse=True)
def gx_context() -> Any:
    from expectations.engine import gx_context as process_context

    return process_context()
