"""Referential integrity: a pupil named by results, absence, NCMP or consent must be known.

A row of those inputs names a pupil by UPN; the pupil must be on a stored census (the
caller passes the census UPNs, e.g. ``SELECT DISTINCT upn FROM census``). The check is a
derived boolean column validated by a standard GX expectation, so the census UPNs never
enter an expectation's configuration (nor Data Docs).
"""

from __future__ import annotations

import polars as pl

REFERENCES_CENSUS: frozenset[str] = frozenset({"ks2", "ks4", "absence", "ncmp", "consent"})
"""Inputs whose UPN must be on the census."""


def on_census(upn: pl.Expr, census_upns: pl.Series) -> pl.Expr:
    """True when the UPN is one of ``census_upns``; null when the UPN is blank."""
    known = census_upns.cast(pl.Utf8).drop_nulls().unique().implode()
    return pl.when(upn.is_null()).then(None).otherwise(upn.is_in(known))
