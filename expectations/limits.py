"""Quality limits of a run, read from ``expectations/config/quality.toml``.

A limit says when a file is accepted with some rows quarantined and when it is rejected as a
whole: the local authority the files must belong to, the largest share of bad rows, and the
minimum completeness of each column. ``[default]`` applies to every run; a table named after
a release profile (``pipeline/config/profiles.toml``) overrides it for runs with that
profile. ``PUPILSTATS_LA`` overrides the LA number (one installation serves one council).
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import MappingProxyType
from typing import Any

from schema.errors import PupilstatsError
from schema.inputs import INPUTS

QUALITY_FILE = Path(__file__).with_name("config") / "quality.toml"
LA_ENV = "PUPILSTATS_LA"


@dataclass(frozen=True)
class QualityLimits:
    """The batch-level limits files are judged by."""

    la_number: int | None = None
    """Every LAESTAB must start with this LA number; ``None`` skips the check."""
    max_bad_share: float = 0.05
    """A file with more than this share of rows quarantined is rejected."""
    completeness_min_rows: int = 20
    """Completeness thresholds are judged only on files with at least this many rows."""
    required_completeness: float = 0.95
    """Minimum share of rows with a value in each required column."""
    completeness: MappingProxyType[str, MappingProxyType[str, float]] = field(
        default_factory=lambda: MappingProxyType({})
    )
    """Minimum share of rows with a value, by input and (optional) column."""

    def thresholds(self, input_name: str) -> dict[str, float]:
        """Completeness threshold of every column of ``input_name`` that has one."""
        schema = INPUTS[input_name]
        found = {c: self.required_completeness for c in schema.required_columns}
        found.update(self.completeness.get(input_name, {}))
        return found

    def with_la(self, la_number: int | None) -> QualityLimits:
        return replace(self, la_number=la_number)


def _limits(section: dict[str, Any], where: str) -> QualityLimits:
    known = {"la_number", "max_bad_share", "completeness_min_rows", "completeness"}
    unknown = set(section) - known
    if unknown:
        raise PupilstatsError(f"{where}: unknown key(s) {', '.join(sorted(unknown))}")
    completeness = dict(section.get("completeness", {}))
    required = float(completeness.pop("required", 0.95))
    per_input: dict[str, MappingProxyType[str, float]] = {}
    for input_name, columns in completeness.items():
        if input_name not in INPUTS:
            raise PupilstatsError(f"{where}: completeness for unknown input {input_name!r}")
        for column, share in columns.items():
            INPUTS[input_name].column(column)  # KeyError names the column
            if not 0 <= share <= 1:
                raise PupilstatsError(f"{where}: {input_name}.{column} = {share} is not a share")
        per_input[input_name] = MappingProxyType({c: float(s) for c, s in columns.items()})
    share = float(section.get("max_bad_share", 0.05))
    if not 0 <= share <= 1:
        raise PupilstatsError(f"{where}: max_bad_share = {share} is not a share")
    la = section.get("la_number")
    return QualityLimits(
        la_number=int(la) if la is not None else None,
        max_bad_share=share,
        completeness_min_rows=int(section.get("completeness_min_rows", 20)),
        required_completeness=required,
        completeness=MappingProxyType(per_input),
    )


def _merged(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merged(merged[key], value)
        else:
            merged[key] = value
    return merged


def load_limits(profile: str | None = None, path: Path = QUALITY_FILE) -> QualityLimits:
    """The limits for runs with release ``profile`` (default limits when it has none)."""
    with path.open("rb") as handle:
        config = tomllib.load(handle)
    section = config.get("default", {})
    if profile is not None and profile in config:
        section = _merged(section, config[profile])
    limits = _limits(section, f"{path} [{profile or 'default'}]")
    la = os.environ.get(LA_ENV)
    if la:
        if not (la.isdigit() and len(la) == 3):
            raise PupilstatsError(f"{LA_ENV}={la!r} is not a 3-digit LA number")
        limits = limits.with_la(int(la))
    return limits
