"""Protecting the funding tables: primary and secondary suppression of all six tables as
linked tables (they share every school's roll and the LA total), then the attacker's audit
run afresh on what would be published (``disclosure.protect``, ``disclosure.audit``)."""

from __future__ import annotations

from disclosure import Profile, audit, protect
from pipeline.releases.spec import Counted, Options, Protected


def protect_tables(counted: Counted, profile: Profile, options: Options) -> Protected:
    """The funding tables protected together under ``profile``, and the audit of the result."""
    tables = counted.detail
    protection = protect(tables, profile)
    return Protected(
        protection=protection,
        audit=audit(tables, protection, profile),
        summaries=protection.summary(),
        method=protection.method,
    )
