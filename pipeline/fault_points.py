"""Named points where a test can kill a command outright, to prove a kill loses nothing.

Issue 16 asks that every command (``load``, each flow, ``sar``, ``yss-extract``,
``retention --apply``) be killed at every boundary of its work and leave a store that opens,
no partial output anyone can see, and a rerun that writes the same bytes. A kill from outside
lands wherever the process happens to be, so, as SQLite's and FoundationDB's tests do, the
code names its boundaries instead: each Prefect task's start and end (``flows.tasks.base``)
and each step of the commands that are not flows (a load staged, validated, written and
committed; a share's file written; retention's deletions committed; the store rewritten).

``fault_point(name)`` does nothing unless the environment asks:

* ``PUPILSTATS_FAULT_AT=<name>``: the process sends itself SIGKILL at the first point of
  that name: no ``finally``, no ``atexit``, no flush, exactly as the out-of-memory killer or
  ``kill -9`` would leave things.
* ``PUPILSTATS_FAULT_LOG=<file>``: every point passed is appended to the file, one name a
  line; an uninterrupted run lists the boundaries to kill at, so a new task or step is
  covered without anyone listing it (``tests/flows/test_killed_commands.py``).
* with ``PUPILSTATS_FAULT=disk-full`` as well, the disk is full from that point on: it and
  every later point that writes a file (a release's table, any file written atomically)
  raise ``OSError(ENOSPC)`` naming the file, as a full disk would; rewriting the bytes of a
  file already there (``status.json`` in place) still works, as on a real full disk.

Nothing here is for production use; with neither variable set a point costs one lookup in
``os.environ``.
"""

from __future__ import annotations

import errno
import os
import signal
from pathlib import Path

FAULT_AT = "PUPILSTATS_FAULT_AT"
FAULT_LOG = "PUPILSTATS_FAULT_LOG"


FAULT_KIND = "PUPILSTATS_FAULT"
DISK_FULL = "disk-full"

_disk_full = False


def fault_point(name: str, path: Path | None = None) -> None:
    """Pass the point ``name`` (writing ``path``, if it is a write): log it, or kill this
    process there, or fail the write as a full disk would (module docstring)."""
    global _disk_full
    log = os.environ.get(FAULT_LOG)
    if log:
        fd = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        try:
            os.write(fd, f"{name}\n".encode())
        finally:
            os.close(fd)
    if os.environ.get(FAULT_KIND) == DISK_FULL:
        _disk_full = _disk_full or os.environ.get(FAULT_AT) == name
        if _disk_full and path is not None:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))
    elif os.environ.get(FAULT_AT) == name:
        os.kill(os.getpid(), signal.SIGKILL)
