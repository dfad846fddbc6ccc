"""Writing files so that a reader sees the old file or the new one, never half of either.

A file is written to a hidden temporary file in the same folder (created exclusively, with
the permissions asked for), flushed to disk and renamed over the target (``os.replace`` is
atomic within one file system); then the folder itself is flushed so the rename survives a
crash. Used by the release writer, the Youth Support Services share and the dashboard. A
writer killed before its rename leaves only its hidden temporary file; the person-level YSS
share removes those of earlier extracts before it writes (:func:`remove_stale_partial_files`).
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path

from pipeline.fault_points import fault_point

PARTIAL_PREFIX = ".partial-"
"""How a temporary file begins: hidden, and not a name any reader looks for."""

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
    partial = path.with_name(f"{PARTIAL_PREFIX}{uuid.uuid4().hex}-{path.name}")
    fault_point("file: writing", partial)
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


def remove_stale_partial_files(folder: Path) -> list[Path]:
    """Delete the temporary files a writer killed before its rename left in ``folder`` (a
    kill runs no clean-up); return them."""
    stale = [
        Path(entry.path)
        for entry in os.scandir(folder)
        if entry.name.startswith(PARTIAL_PREFIX) and entry.is_file(follow_symlinks=False)
    ]
    for path in stale:
        path.unlink(missing_ok=True)
    return stale
