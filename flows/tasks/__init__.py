"""Prefect tasks: thin wrappers that call ``pipeline`` and ``disclosure``, one module per stage."""

from flows.tasks.base import store_task
from flows.tasks.dashboard import build_dashboard_task, dashboard_failure_hook
from flows.tasks.funding import aggregate_funding
from flows.tasks.health import aggregate_health, protect_health, write_health_release
from flows.tasks.inputs import exclude_opt_outs, load_inputs, validate_inputs
from flows.tasks.performance import (
    aggregate_performance,
    audit_performance,
    exclude_performance_opt_outs,
    performance_release_inputs,
    performance_years,
    protect_performance,
    record_population,
    write_performance_release,
)
from flows.tasks.protection import audit_release, protect_tables
from flows.tasks.release import write_protected_release

__all__ = [
    "aggregate_funding",
    "aggregate_health",
    "aggregate_performance",
    "audit_performance",
    "audit_release",
    "build_dashboard_task",
    "dashboard_failure_hook",
    "exclude_opt_outs",
    "exclude_performance_opt_outs",
    "load_inputs",
    "performance_release_inputs",
    "performance_years",
    "protect_health",
    "protect_performance",
    "protect_tables",
    "record_population",
    "store_task",
    "validate_inputs",
    "write_health_release",
    "write_performance_release",
    "write_protected_release",
]
