"""Every file DuckDB makes for the store is owner-only from the moment it exists.

DuckDB creates the store's write-ahead log (``<store>.wal``) on the first write after a
checkpoint and deletes it at the next checkpoint, so a WAL is created many times while a
connection is open; its spill files (``<store>.tmp/``) likewise. DuckDB has no setting for
their permissions: it creates them with the process's umask. So the umask is ``0o077``
(``owner_only_umask``) for as long as any store connection of the process is open, and a
``chmod`` after the fact (``restrict_permissions``) is only a second line of defence.

The umask is one per process, shared by its threads (Prefect runs tasks in threads): the
first store opened sets it and the last one closed restores the earlier value, so a
connection closing in one thread never loosens it under another still open. Files that
are meant for other readers (releases) must set their own mode explicitly.
"""

from __future__ import annotations

import os
import stat
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from pipeline.settings import DATA_DIR

OWNER_ONLY_UMASK = 0o077
OWNER_ONLY_FILE = stat.S_IRUSR | stat.S_IWUSR
OWNER_ONLY_DIR = stat.S_IRWXU
WAL_SUFFIX = ".wal"

_lock = threading.Lock()
_holders = 0
_saved_umask: int | None = None


@contextmanager
def owner_only_umask() -> Iterator[None]:
    """Hold the process's umask at ``0o077`` while the block runs (nested and concurrent
    holders share it; the umask before the first is restored when the last one leaves)."""
    global _holders, _saved_umask
    with _lock:
        if _holders == 0:
            _saved_umask = os.umask(OWNER_ONLY_UMASK)
        else:
            os.umask(OWNER_ONLY_UMASK)
        _holders += 1
    try:
        yield
    finally:
        with _lock:
            _holders -= 1
            if _holders == 0 and _saved_umask is not None:
                os.umask(_saved_umask)
                _saved_umask = None


def make_store_folder(db_path: Path) -> None:
    """Create the store's folder owner-only (``0700``) if it is missing; the project's own
    ``data/`` folder, made by git with the checkout's umask, is made owner-only when the
    default store is about to be created in it."""
    with owner_only_umask():
        if not db_path.parent.exists():
            db_path.parent.mkdir(parents=True, mode=OWNER_ONLY_DIR, exist_ok=True)
        elif not db_path.exists() and db_path.parent.resolve() == DATA_DIR.resolve():
            os.chmod(db_path.parent, OWNER_ONLY_DIR)


def wal_path(db_path: Path) -> Path:
    """DuckDB's write-ahead log of the store at ``db_path``."""
    return db_path.with_name(db_path.name + WAL_SUFFIX)


def restrict_permissions(db_path: Path) -> None:
    """Make the store and its WAL readable and writable by the owner only (if they exist)."""
    for path in (db_path, wal_path(db_path)):
        with suppress(FileNotFoundError):
            os.chmod(path, OWNER_ONLY_FILE)
