"""Keyed hashes that name a pupil in logs without holding their UPN.

The rights audit log and the release population records name a pupil by
HMAC-SHA256(key, UPN). A UPN has little entropy (LA, school, year and a serial), so a plain
hash could be reversed by trying every UPN; the key makes that impossible without it. The
key is 32 random bytes in a file beside the store (``<store>.rights-key``, owner-only),
created on first use. It must be backed up with the store: without it an erasure can no
longer be recognised when a pupil's records are delivered again.

The key and the hashes belong to the store: the store needs them itself, each time it is
opened, to keep erased pupils erased (``pipeline.store.upkeep``), and individual rights
(``pipeline.rights``) use them from here.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from collections.abc import Iterable
from pathlib import Path

import duckdb

from schema.errors import PupilstatsError

KEY_SUFFIX = ".rights-key"


def key_path(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + KEY_SUFFIX)


def store_path(con: duckdb.DuckDBPyConnection) -> Path:
    """The file of the store ``con`` is connected to."""
    row = con.execute(
        "SELECT path FROM duckdb_databases() WHERE database_name = current_database()"
    ).fetchall()
    if not row or not row[0][0] or row[0][0] == ":memory:":
        raise PupilstatsError("individual rights need a store file, not an in-memory database")
    return Path(row[0][0])


def rights_key(db_path: Path) -> bytes:
    """The store's HMAC key, created (owner-only, never overwritten) if it does not exist."""
    path = key_path(db_path)
    if not path.exists():
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "w") as handle:
                handle.write(secrets.token_hex(32))
                handle.flush()
                os.fsync(handle.fileno())
    return bytes.fromhex(path.read_text().strip())


def pupil_key(key: bytes, upn: str) -> str:
    """HMAC-SHA256 of the UPN (upper-cased, trimmed) under the store's key, as hex."""
    return hmac.new(key, upn.strip().upper().encode("utf-8"), hashlib.sha256).hexdigest()


def pupil_keys(key: bytes, upns: Iterable[str]) -> dict[str, str]:
    """Each UPN's keyed hash, by UPN."""
    return {upn: pupil_key(key, upn) for upn in upns}


def store_key(con: duckdb.DuckDBPyConnection) -> bytes:
    """The HMAC key of the store ``con`` is connected to."""
    return rights_key(store_path(con))
