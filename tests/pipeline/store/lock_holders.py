"""Another process holding a store, for the tests of the store lock: a pupilstats command
(the store lock, with its words in the lock file), a bare ``flock`` with no words of its own,
or a program outside pupilstats (DuckDB's own file lock). The process says ``held`` once it
holds, and lets go when its standard input is closed (``let_go``)."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

HOLDERS = {
    "store": (
        "import sys\n"
        "from pathlib import Path\n"
        "from pipeline.store.lock import store_lock\n"
        "with store_lock(Path(sys.argv[1]), command=sys.argv[2], wait=0):\n"
        "    print('held', flush=True)\n"
        "    sys.stdin.read()\n"
    ),
    "flock": (
        "import fcntl, os, sys\n"
        "fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT, 0o600)\n"
        "fcntl.flock(fd, fcntl.LOCK_EX)\n"
        "print('held', flush=True)\n"
        "sys.stdin.read()\n"
    ),
    "duckdb": (
        "import sys, duckdb\n"
        "con = duckdb.connect(sys.argv[1])\n"
        "print('held', flush=True)\n"
        "sys.stdin.read()\n"
    ),
}
"""What holds: ``store`` takes the store lock of the store at argv[1] as the command
argv[2]; ``flock`` locks the file argv[1] itself; ``duckdb`` opens the store argv[1]."""


@contextmanager
def held_elsewhere(
    path: Path, how: str = "store", command: str = "pupilstats run funding-round"
) -> Iterator[subprocess.Popen[str]]:
    """A process holding ``path`` the way ``how`` says while the block runs (or until
    ``let_go``)."""
    process = subprocess.Popen(
        [sys.executable, "-c", HOLDERS[how], str(path), command],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        assert process.stdout.readline().strip() == "held"
        yield process
    finally:
        let_go(process)
        process.wait(timeout=30)


def let_go(process: subprocess.Popen[str]) -> None:
    """Make the holding process let go and exit."""
    if process.stdin is not None and not process.stdin.closed:
        process.stdin.close()
