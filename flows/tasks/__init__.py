"""Prefect tasks: thin wrappers that call ``pipeline`` and ``disclosure``, one module per stage."""

from flows.tasks.base import store_task
from flows.tasks.funding import aggregate_funding
from flows.tasks.inputs import exclude_opt_outs, load_inputs, validate_inputs
from flows.tasks.protection import audit_release, protect_tables
from flows.tasks.release import write_protected_release

__all__ = [
    "aggregate_funding",
    "audit_release",
    "exclude_opt_outs",
    "load_inputs",
    "protect_tables",
    "store_task",
    "validate_inputs",
    "write_protected_release",
]
