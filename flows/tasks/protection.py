"""Protection and the attacker's audit: pure calls into ``disclosure``."""

from __future__ import annotations

from disclosure import AuditReport, Profile, Protection, Table, audit, protect
from flows.tasks.base import store_task


@store_task(name="protect")
def protect_tables(tables: list[Table], profile: Profile) -> Protection:
    """Primary and secondary suppression of all tables of the release, linked."""
    return protect(tables, profile)


@store_task(name="audit")
def audit_release(tables: list[Table], protection: Protection, profile: Profile) -> AuditReport:
    """The attacker's audit, run afresh on what would be published."""
    return audit(tables, protection, profile)
