"""The release manifest: what a release holds and how to rebuild its additive relations.

``manifest.json`` names each table's CSV with its sha256, its dimensions (the column, the
total code and the parent of every other code, so anyone can rebuild which cells add up
to which), its measure, its suppression symbol, rounding base, threshold, cell counts and
the audit's verdict, plus the release id, flow, profile, time and the sha256 of each input,
and for a revision the release it revises. Each table has its title and description and
every column its title, description and the meaning of its codes where a reader needs them
(``pipeline.release.describe``); ``outputs`` lists the EES open-data files and the
spreadsheet built from the same published cells, each with its sha256.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from disclosure import Dimension, Profile


@dataclass(frozen=True)
class InputDigest:
    """One input file a release was computed from."""

    input: str
    file: str
    sha256: str


def dimension_entry(dimension: Dimension) -> dict[str, Any]:
    return {
        "column": dimension.name,
        "total": dimension.total,
        "parents": {
            code: dimension.parents[code] for code in dimension.codes if code != dimension.total
        },
    }


def primary_rule_entry(profile: Profile) -> dict[str, Any]:
    """The profile's primary rules beyond the threshold (null = rule off): dominance, p%,
    frequency range, rates, group attribute disclosure, the protection mode and how counts
    below the threshold are protected (``frequency_sides``)."""
    return {
        "dominance_n": profile.dominance_n,
        "dominance_k": profile.dominance_k,
        "p_percent": profile.p_percent,
        "frequency_range": profile.frequency_range,
        "min_denominator": profile.min_denominator,
        "group_attribute_max_total": profile.group_attribute_max_total,
        "group_attribute_k": profile.group_attribute_k,
        "protection": profile.protection,
        "frequency_sides": profile.frequency_sides,
    }


def profile_entry(profile: Profile) -> dict[str, Any]:
    return {
        "name": profile.name,
        "threshold": profile.threshold,
        "symbol": profile.symbol,
        "zeros_safe": profile.zeros_safe,
        "rounding_base": profile.rounding_base,
        **primary_rule_entry(profile),
    }


def table_entry(
    *,
    name: str,
    file: str,
    sha256: str,
    dimensions: tuple[Dimension, ...],
    measure: str,
    profile: Profile,
    summary: dict[str, Any],
    measure_kind: str = "count",
    derived: list[dict[str, Any]] | None = None,
    title: str = "",
    description: str = "",
    columns: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """A table's entry; ``title``, ``description`` and ``columns`` (per column its title,
    description and the meaning of its codes) are written when given."""
    described = {"title": title, "description": description} if title else {}
    return {
        "name": name,
        **described,
        "file": file,
        "sha256": sha256,
        **({"columns": columns} if columns else {}),
        "dimensions": [dimension_entry(d) for d in dimensions],
        "measure": {"column": measure, "kind": measure_kind},
        "derived": derived or [],
        "symbols": {"suppressed": profile.symbol},
        "rounding_base": profile.rounding_base,
        "threshold": profile.threshold,
        "primary_rules": primary_rule_entry(profile),
        **{k: v for k, v in summary.items() if k not in {"name", "table"}},
    }


def build_manifest(
    *,
    release_id: str,
    flow: str,
    profile: Profile,
    created_at: str,
    reference_date: str,
    inputs: list[InputDigest],
    tables: list[dict[str, Any]],
    audit: dict[str, Any],
    documents: list[dict[str, str]] | None = None,
    revises: str | None = None,
    outputs: list[dict[str, str]] | None = None,
) -> dict[str, Any]:
    """The manifest; ``revises`` (the earlier release of the same period this one revises)
    appears after the reference date only for a revision; ``outputs`` (the EES open-data
    files and the spreadsheet, each with its sha256 and format) after the documents when the
    release has them."""
    return {
        "release_id": release_id,
        "flow": flow,
        "profile": profile_entry(profile),
        "created_at": created_at,
        "reference_date": reference_date,
        **({"revises": revises} if revises else {}),
        "inputs": [{"input": i.input, "file": i.file, "sha256": i.sha256} for i in inputs],
        "tables": tables,
        "documents": documents or [],
        **({"outputs": outputs} if outputs else {}),
        "audit": audit,
    }
