"""The store lock: one pupilstats command at a time works with a store, from start to end.

A release must be counted from one delivery: its tables, the input files' sha256 in its
manifest and the record of its population are read at different steps of a run, and a
``load`` committing in between would mix two deliveries in one release. DuckDB's own file
lock does not prevent that (a run opens and closes the store at each step, so a load gets in
between) and, when two processes do meet, fails at once with a long traceback ending "Could
not set lock". So every command that uses a store holds this lock for as long as it works
with it: a flow run from its first read of the store to its release (``flows.releases``,
and before that the ``pupilstats run`` command), a ``load``, and the commands of individual
rights and the ledger (``cli.store_lock``); ``open_store`` and ``rewrite_store`` take it too,
so nothing that opens the store goes around it.

How it works:

* An advisory ``fcntl.flock`` on ``<store>.lock`` beside the store, created owner-only
  (``0600``). The kernel releases it when its holder exits, also when killed, so a lock file
  left by a killed command holds nothing; the holder removes the file when it lets go.
* The holder writes into the file who it is: its process id, its command (e.g. ``pupilstats
  run funding-round``) and since when. A command that finds the store taken waits, polling,
  up to the configured time (``PUPILSTATS_LOCK_WAIT_SECONDS``, ``pipeline.settings``), then
  stops with one line naming the holder (``StoreInUse``). A holder's words are shown only if
  its process is alive: the words of a killed one are never shown as current.
* Re-entrant within a process: a run's tasks open and close the store many times while the
  run holds it, in the run's thread or in Prefect's worker threads, and none of them waits
  for its own process. Only the process's first taking waits; the lock is let go when the
  last holder in the process leaves.
"""

from __future__ import annotations

import errno
import fcntl
import json
import os
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from pipeline.settings import lock_wait_seconds
from pipeline.store.owner_only_files import OWNER_ONLY_FILE, make_store_folder, owner_only_umask
from schema.errors import PupilstatsError

LOCK_SUFFIX = ".lock"
POLL_SECONDS = 0.1
"""How often a waiting command tries the lock again."""
HOLDER_BYTES = 4096
"""At most this much of a lock file is read for its holder's words."""


class StoreInUse(PupilstatsError):
    """Another command held the store for longer than this one would wait."""


@dataclass(frozen=True)
class Holder:
    """Who holds a store: the process, its command and since when (UTC, ISO 8601)."""

    pid: int
    command: str
    since: str

    def __str__(self) -> str:
        return f"{self.command} (pid {self.pid}, since {self.since})"


@dataclass
class _Held:
    fd: int
    count: int


_registry = threading.Lock()
_gates: dict[Path, threading.Lock] = {}
"""Per lock file: only one thread of the process takes (or lets go of) the file lock."""
_held: dict[Path, _Held] = {}
"""The lock files this process holds, with how many holders inside it are still using each."""


def lock_path(db_path: Path) -> Path:
    """The lock file of the store at ``db_path``: ``<store>.lock`` beside it."""
    store = db_path.resolve()
    return store.with_name(store.name + LOCK_SUFFIX)


def default_command() -> str:
    """Words for a holder that did not name itself: the program's name (``sys.argv[0]``,
    never its arguments, which may hold a pupil's UPN)."""
    program = Path(sys.argv[0]) if sys.argv and sys.argv[0] else Path("python")
    return program.parent.name if program.stem == "__main__" else program.name  # python -m X


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # another user's process: alive
    return True


def _read_holder(fd: int) -> Holder | None:
    """The holder named in an open lock file, if its words can be read and its process
    is alive."""
    try:
        fields = json.loads(os.pread(fd, HOLDER_BYTES, 0).decode("utf-8"))
        holder = Holder(int(fields["pid"]), str(fields["command"]), str(fields["since"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return holder if _alive(holder.pid) else None


def _write_holder(fd: int, command: str) -> None:
    since = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    text = json.dumps({"pid": os.getpid(), "command": command, "since": since})
    os.ftruncate(fd, 0)
    os.pwrite(fd, (text + "\n").encode("utf-8"), 0)


def _open_lock_file(path: Path) -> int:
    with owner_only_umask():
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC | os.O_NOFOLLOW, OWNER_ONLY_FILE)
    os.fchmod(fd, OWNER_ONLY_FILE)
    return fd


def _try_lock(path: Path) -> tuple[int | None, Holder | None]:
    """One attempt: the open, locked lock file, or ``None`` and who holds it (if known).

    The file a holder removes on leaving may be opened by a waiter just before; a lock
    taken on such a removed file is no lock, so it is dropped and the attempt made again."""
    while True:
        fd = _open_lock_file(path)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as error:
            holder = _read_holder(fd)
            os.close(fd)
            if error.errno in (errno.EWOULDBLOCK, errno.EAGAIN):
                return None, holder
            raise
        try:
            same_file = os.stat(path, follow_symlinks=False).st_ino == os.fstat(fd).st_ino
        except FileNotFoundError:
            same_file = False
        if same_file:
            return fd, None
        os.close(fd)


def in_use(db_path: Path, who: str, waited: float) -> StoreInUse:
    """The one line of a command that waited ``waited`` seconds for ``who`` to let go."""
    return StoreInUse(
        f"the store {db_path} is in use by {who}; waited {waited:g} s. "
        "Try again when it has finished."
    )


def _cannot_lock(db_path: Path, path: Path, error: OSError) -> PupilstatsError:
    return PupilstatsError(f"the store {db_path} cannot be locked: {error.strerror} ({path})")


def _take(
    db_path: Path,
    path: Path,
    command: str,
    wait: float,
    on_wait: Callable[[str], None] | None,
) -> int:
    """Take the file lock for this process, waiting up to ``wait`` seconds. A lock file
    that cannot be made or opened (a read-only folder, a planted symlink) is one line."""
    deadline = time.monotonic() + wait
    told = False
    while True:
        try:
            make_store_folder(db_path)
            fd, holder = _try_lock(path)
        except OSError as error:
            raise _cannot_lock(db_path, path, error) from None
        if fd is not None:
            try:
                _write_holder(fd, command)
            except BaseException as error:
                os.close(fd)
                if isinstance(error, OSError):
                    raise _cannot_lock(db_path, path, error) from None
                raise
            return fd
        if time.monotonic() >= deadline:
            raise in_use(db_path, str(holder or "another process"), wait)
        if not told and on_wait is not None:
            on_wait(
                f"waiting up to {wait:g} s for the store {db_path}: in use by "
                f"{holder or 'another process'}"
            )
            told = True
        time.sleep(min(POLL_SECONDS, max(0.0, deadline - time.monotonic())))


def _let_go(path: Path, fd: int) -> None:
    """Remove the lock file (while still holding it, so no waiter holds a removed file)
    and release it."""
    with suppress(FileNotFoundError):
        os.unlink(path)
    with suppress(OSError):
        fcntl.flock(fd, fcntl.LOCK_UN)
    os.close(fd)


@contextmanager
def store_lock(
    db_path: Path,
    *,
    command: str | None = None,
    wait: float | None = None,
    on_wait: Callable[[str], None] | None = None,
) -> Iterator[None]:
    """Hold the store at ``db_path`` for this process while the block runs.

    ``command`` is written into the lock file for others to see (default: the program's
    name); ``wait`` is how long to wait for another holder (default:
    ``pipeline.settings.lock_wait_seconds``), after which ``StoreInUse`` names the holder in
    one line; ``on_wait`` is told once, in words, when the wait begins. Within a process it
    is re-entrant (module docstring): a nested or concurrent holder of the same process
    neither waits nor writes its own words."""
    path = lock_path(db_path)
    with _registry:
        gate = _gates.setdefault(path, threading.Lock())
    with gate:
        with _registry:
            held = _held.get(path)
            if held is not None:
                held.count += 1
        if held is None:
            seconds = lock_wait_seconds() if wait is None else wait
            fd = _take(db_path, path, command or default_command(), seconds, on_wait)
            with _registry:
                _held[path] = _Held(fd, 1)
    try:
        yield
    finally:
        with gate:
            with _registry:
                held = _held[path]
                held.count -= 1
                last = held.count == 0
                if last:
                    del _held[path]
            if last:
                _let_go(path, held.fd)
