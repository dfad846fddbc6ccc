"""Test-wide settings: Prefect and GX stay offline and quiet; Prefect state lives in a temp dir.

Under pytest-xdist (``-n``) each worker gets a Prefect home of its own (a subfolder of the
given ``PREFECT_HOME``, or a fresh temp dir), set before anything imports Prefect: two
workers sharing one Prefect SQLite database would lock each other out.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

_worker = os.environ.get("PYTEST_XDIST_WORKER")
if _worker:
    _home = os.environ.get("PREFECT_HOME")
    if _home:
        os.environ["PREFECT_HOME"] = os.path.join(_home, f"xdist-{_worker}")
        os.makedirs(os.environ["PREFECT_HOME"], exist_ok=True)
    else:
        os.environ["PREFECT_HOME"] = tempfile.mkdtemp(prefix=f"pupilstats-prefect-{_worker}-")
os.environ.setdefault("PREFECT_HOME", tempfile.mkdtemp(prefix="pupilstats-prefect-"))
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")
os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")


LONGEST_FIRST = (
    "over_time/test_scenarios.py",  # about 4.5 minutes: five nightly releases and attacks
    "pipeline/test_opt_out_property.py",  # about 1.5 minutes
)
"""The longest modules, longest first: with a module to a worker, starting the longest
first keeps one worker from ending the run alone on it."""


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Under xdist, the modules with tests marked ``slow`` go first, the longest of them
    (:data:`LONGEST_FIRST`) before the others (each module's tests staying together, in their
    order), so that the two workers finish at about the same time instead of one of them
    starting a minute-long module last."""
    if not _worker:
        return
    slow_modules = {item.path for item in items if item.get_closest_marker("slow")}
    here = Path(__file__).parent

    def rank(item: pytest.Item) -> tuple[int, bool]:
        relative = item.path.relative_to(here).as_posix() if item.path.is_relative_to(here) else ""
        longest = LONGEST_FIRST.index(relative) if relative in LONGEST_FIRST else len(LONGEST_FIRST)
        return longest, item.path not in slow_modules

    items.sort(key=rank)
