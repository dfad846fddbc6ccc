"""Prefect tasks: thin wrappers that call ``pipeline`` and ``disclosure``, one module per stage."""

from flows.tasks.base import store_reading_task, store_task
from flows.tasks.dashboard import (
    RunArgumentsRejected,
    build_dashboard_task,
    dashboard_failure_hook,
)
from flows.tasks.inputs import load_inputs, validate_inputs
from flows.tasks.release import count_release, protect_release, publish_release

__all__ = [
    "RunArgumentsRejected",
    "build_dashboard_task",
    "count_release",
    "dashboard_failure_hook",
    "load_inputs",
    "protect_release",
    "publish_release",
    "store_reading_task",
    "store_task",
    "validate_inputs",
]
