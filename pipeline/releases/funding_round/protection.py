"""Protecting the funding tables: primary and secondary suppression of all six tables as
linked tables (they share every school's roll and the LA total), then the attacker's audit
run afresh on what would be published (``disclosure.protect``, ``disclosure.audit``).

When the ledger holds earlier funding releases of the same census (a re-issue after a
correction or an opt-out), the tables are protected against them as well
(``pipeline.releases.over_time``: the difference rule and the joint audit of the new release
with the earlier ones); a release the joint audit fails is refused.
"""

from __future__ import annotations

from disclosure import Profile
from pipeline.releases.over_time import protect_with_history
from pipeline.releases.spec import Counted, Options, Protected


def protect_tables(counted: Counted, profile: Profile, options: Options) -> Protected:
    """The funding tables protected together under ``profile`` (against the earlier
    releases of the census, if any), and the audit of the result."""
    result = protect_with_history(counted.detail, profile, counted.history)
    return Protected(
        protection=result.protection,
        audit=result.audit,
        summaries=result.protection.summary(),
        method=result.protection.method,
        facts=result.facts(),
    )
