"""Writing files so that a reader sees the old file or the new one, never half of either.

A file is written to a hidden temporary file in the same folder (created exclusively, with
the permissions asked for), flushed to disk and renamed over the target (``os.replace`` is
atomic within one file system); then the folder itself is flushed so the rename survives a
crash. Used by the release writer, the Youth Support Services share and the dashboard.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path

PUBLIC_FILE = 0o644
"""Permissions of a file meant for readers other than the owner (releases, the dashboard)."""


def fsync_dir(path: Path) -> None:
    """Flush a folder's entries (a rename or a new file in it) to disk."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_file_atomically(path: Path, data: bytes, mode: int = PUBLIC_FILE) -> Path:
    """Replace ``path`` with ``data`` in one rename (the new file gets ``mode``, subject to
    the umask); return ``path``. A failure leaves the old file and no temporary file."""
    partial = path.with_name(f".partial-{uuid.uuid4().hex}-{path.name}")
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(partial, path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    fsync_dir(path.parent)
    return path
