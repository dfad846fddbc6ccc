"""``pupilstats --help`` answers at once: importing the command line loads no slow library.

The command modules import Prefect (the flows), Great Expectations and the modules that
import NumPy or SciPy inside the commands that need them (``cli.app``); this checks that
none of them is imported with ``cli`` itself.
"""

from __future__ import annotations

import subprocess
import sys

SLOW = ("prefect", "great_expectations", "numpy", "scipy", "highspy", "flows", "disclosure")


def test_importing_the_command_line_loads_no_slow_library() -> None:
    code = (
        "import sys, cli; "
        f"print(' '.join(sorted({{m.split('.')[0] for m in sys.modules}} & set({SLOW!r}))))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.split()
    assert loaded == []
