"""The one way to declare a pupilstats task.

Tasks hand each other paths, settings and aggregated tables, never a database connection
or pupil-level frames: pupil-level rows move between steps only inside the store. Results
are neither cached nor persisted (``NO_CACHE``, ``persist_result=False``), so nothing a
task returns is written to Prefect's database or result storage.

Tasks that only read the store retry twice when the failure is transient: a file system
error (DuckDB's ``IOException`` or an ``OSError``: ``store_reading_task``). A store held by
another command is not such a failure: the run holds the store lock for its whole length
(``pipeline.store.lock``), and opening the store already waits for a program outside
pupilstats that holds DuckDB's file lock, then stops in one line (not retried). Anything
else (a rejected input, an unknown period, an audit failure) fails at once: retrying would
give the same answer. Protection is a pure computation and does not retry; writing a
release does not either (a failure there is not transient).
"""

from __future__ import annotations

from functools import partial
from typing import Any

import duckdb
from prefect import Task, task
from prefect.cache_policies import NO_CACHE
from prefect.client.schemas.objects import TaskRun
from prefect.states import State

from flows.progress import step_completed, step_failed, step_started
from pipeline.fault_points import fault_point

STORE_RETRIES = 2
STORE_RETRY_DELAYS: list[float] = [5.0, 15.0]


def task_started(task: Task[Any, Any], task_run: TaskRun, state: State[Any]) -> None:
    """Prefect ``on_running`` hook: the boundary before the task's work, a fault point
    (``pipeline.fault_points``: a test kills the run here) named ``task <name>: started``."""
    fault_point(f"task {task.name}: started")


def task_ended(task: Task[Any, Any], task_run: TaskRun, state: State[Any]) -> None:
    """Prefect ``on_completion`` hook: the boundary after the task's work, a fault point
    named ``task <name>: ended``."""
    fault_point(f"task {task.name}: ended")


store_task = partial(
    task,
    cache_policy=NO_CACHE,
    persist_result=False,
    on_running=[step_started, task_started],
    on_completion=[step_completed, task_ended],
    on_failure=[step_failed],
)
"""A pupilstats task: nothing cached or persisted, its start and end told to whoever shows
the run's progress (``flows.progress``) and fault points for the kill tests."""


def transient_failure(task: Task[Any, Any], task_run: TaskRun, state: State[Any]) -> bool:
    """Retry only when DuckDB or the file system reported an I/O failure."""
    try:
        error = state.result(raise_on_failure=False)
    except Exception:
        return False
    return isinstance(error, duckdb.IOException | OSError)


store_reading_task = partial(
    store_task,
    retries=STORE_RETRIES,
    retry_delay_seconds=STORE_RETRY_DELAYS,
    retry_condition_fn=transient_failure,
)
