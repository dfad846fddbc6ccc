"""What a long command shows while it works: a spinner with the step's name and its running
time for as long as the step lasts, then one line saying how it ended and how long it took.

Steps of a flow run come from its tasks (``flows.progress``: every task tells when it starts
and ends); steps the command line runs itself (generating a borough, starting Prefect's
temporary server, loading a folder) use :func:`step`. On a terminal the spinner moves; when
output goes to a file or a pipe only the end lines are written, so logs stay readable.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TaskID, TextColumn, TimeElapsedColumn

if TYPE_CHECKING:
    from flows.progress import StepEvent


class StepDisplay:
    """The steps under way (one spinner line each) and the lines of those that ended."""

    def __init__(self, console: Console) -> None:
        self.console = console
        self.progress = Progress(
            SpinnerColumn(),
            TextColumn("{task.description}"),
            TimeElapsedColumn(),
            console=console,
            transient=True,
            disable=not console.is_terminal,  # to a file or a pipe: the end lines only
        )
        self._running: dict[str, tuple[TaskID, str, float]] = {}

    def __enter__(self) -> StepDisplay:
        self.progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        for key in list(self._running):
            self.end(key, ok=False)
        self.progress.stop()

    def start(self, key: str, label: str) -> None:
        """Show ``label`` with a spinner and its running time."""
        if key in self._running:
            return
        self._running[key] = (self.progress.add_task(label, total=None), label, time.monotonic())

    def end(self, key: str, ok: bool = True, line: bool = True) -> None:
        """Replace the step's spinner with a line (unless ``line`` is False): done or failed,
        and its time."""
        if key not in self._running:
            return
        task, label, began = self._running.pop(key)
        self.progress.remove_task(task)
        if not line:
            return
        mark = "[green]done[/]" if ok else "[red]failed[/]"
        self.console.print(
            f"  {mark} {label} ({time.monotonic() - began:.1f} s)", highlight=False, soft_wrap=True
        )

    def on_step(self, event: StepEvent) -> None:
        """A listener for ``flows.progress``: a flow's task started or ended."""
        key = f"task:{event.run_id}"
        if event.ended:
            self.end(key, ok=event.ok)
        else:
            self.end("flow-start")
            self.start(key, event.step)


@contextmanager
def step(console: Console, label: str) -> Iterator[None]:
    """Show one step the command runs itself (``label``) while the block runs. A step that
    raises leaves no line of its own: the command's one error line says what went wrong."""
    with StepDisplay(console) as display:
        display.start("step", label)
        try:
            yield
        except BaseException:
            display.end("step", line=False)
            raise
        display.end("step")


@contextmanager
def flow_steps(console: Console) -> Iterator[None]:
    """Show a flow run's steps while the block runs it: first Prefect starting (its
    temporary local server takes seconds), then each task as it starts and ends."""
    # no module of ``flows`` is imported when the command line starts (tests/cli/test_startup)
    from flows.progress import watching_steps

    with StepDisplay(console) as display, watching_steps(display.on_step):
        display.start("flow-start", "starting the flow run (Prefect)")
        yield
        display.end("flow-start")
