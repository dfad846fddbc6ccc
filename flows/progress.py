"""Which step of a run is under way, for whoever shows it (the command line's progress display).

Every pupilstats task (``flows.tasks.base.store_task``) calls :func:`step_started` when it
enters Prefect's Running state and :func:`step_ended` when it completes or fails. Listeners
registered with :func:`watching_steps` hear both, in the thread that runs the task; with no
listener (a served deployment, the tests) the hooks do nothing. A listener that fails never
fails the run: progress is a display, not part of the work.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class StepEvent:
    """A task of a run started (``ended`` False) or ended (``ended`` True; ``ok`` says how)."""

    step: str
    run_id: str
    ended: bool = False
    ok: bool = True


StepListener = Callable[[StepEvent], None]

_listeners: list[StepListener] = []


@contextmanager
def watching_steps(listener: StepListener) -> Iterator[None]:
    """Tell ``listener`` of every step started and ended while the block runs."""
    _listeners.append(listener)
    try:
        yield
    finally:
        _listeners.remove(listener)


def _tell(event: StepEvent) -> None:
    for listener in list(_listeners):
        try:
            listener(event)
        except Exception:  # a broken display must not fail a release
            log.debug("progress listener failed", exc_info=True)


def _event(task: Any, task_run: Any, **fields: Any) -> StepEvent:
    """The event of ``task_run``: named by the run where its task names its runs (e.g. ``load
    inputs 2024-25``: which of several folders), else by the task."""
    named = getattr(task, "task_run_name", None) and getattr(task_run, "name", None)
    step = str(task_run.name) if named else str(task.name)
    return StepEvent(step=step, run_id=str(getattr(task_run, "id", "")), **fields)


def step_started(task: Any, task_run: Any, state: Any) -> None:
    """Prefect ``on_running`` hook: the task's step has started."""
    _tell(_event(task, task_run))


def step_completed(task: Any, task_run: Any, state: Any) -> None:
    """Prefect ``on_completion`` hook: the task's step ended well."""
    _tell(_event(task, task_run, ended=True))


def step_failed(task: Any, task_run: Any, state: Any) -> None:
    """Prefect ``on_failure`` hook: the task's step failed (it may be retried)."""
    _tell(_event(task, task_run, ended=True, ok=False))
