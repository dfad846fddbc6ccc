"""A command holding the store for as long as it works with it (``pipeline.store.lock``).

Every command that uses the store (``run``, ``demo``, ``load``, ``quarantine``, the rights
and ledger commands) takes the store lock here, naming itself in the lock file by its
command words (``pupilstats run funding-round``, ``pupilstats erase``: never its arguments,
which may hold a UPN). When another command holds the store it waits, up to
``PUPILSTATS_LOCK_WAIT_SECONDS``, with a spinner naming the holder on a terminal (nothing is
written when output goes to a file or a pipe), then stops in one line naming the holder.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

from rich.console import Console
from rich.status import Status
from typer.main import get_current_context

from cli.app import errors, fail
from pipeline.store.lock import store_lock
from pipeline.store.store_file import check_store_file
from schema.errors import PupilstatsError

PROGRAM = "pupilstats"


def command_words() -> str:
    """The running command's words, e.g. ``pupilstats run funding-round`` (no arguments),
    from the command's context (Typer's own copy of Click keeps it: ``click``'s
    ``get_current_context`` does not see it); the program's name alone if there is none."""
    context = get_current_context(silent=True)
    if context is None:
        return PROGRAM
    return " ".join([PROGRAM, *context.command_path.split()[1:]])


class WaitNotice:
    """A spinner saying what the command waits for, shown on a terminal only."""

    def __init__(self, console: Console) -> None:
        self.console = console
        self.status: Status | None = None

    def show(self, text: str) -> None:
        """Show ``text`` with a spinner until :meth:`stop`."""
        if self.console.is_terminal and self.status is None:
            self.status = self.console.status(text)
            self.status.start()

    def stop(self) -> None:
        """Take the spinner away (if shown)."""
        if self.status is not None:
            self.status.stop()
            self.status = None


@contextmanager
def hold_store(db_path: Path) -> Iterator[None]:
    """Hold the store at ``db_path`` while the block runs (module docstring). A path that is
    not a store (``check_store_file``: no lock file is made beside it), a store held by
    another command for longer than the wait, or a wait setting that is not a number ends
    the command with one line; errors of the block itself pass through unchanged."""
    notice = WaitNotice(errors)
    with ExitStack() as held:
        try:
            try:
                check_store_file(db_path)
                lock = store_lock(db_path, command=command_words(), on_wait=notice.show)
                held.enter_context(lock)
            finally:
                notice.stop()  # before any line is printed
        except PupilstatsError as error:
            raise fail(error) from None
        yield
