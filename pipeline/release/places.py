"""The places a release's rows are about, named as the EES open-data standard names them.

The local authority comes from the schools lookup in the store (the first three digits of
every LAESTAB are the LA number) and the committed list of local authorities
(``pipeline/config/local_authorities.toml``: ONS code and name); schools (URN, name) and
wards (name) come from the schools lookup the council delivers (``schools.csv``). These are
public reference data: no pupil is in them.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

LOCAL_AUTHORITIES = Path(__file__).resolve().parents[1] / "config" / "local_authorities.toml"
NOT_AVAILABLE = "Not available"
"""EES: the name of a place whose name is unknown (its code is ``x`` when that is unknown)."""
UNAVAILABLE_CODE = "x"


@dataclass(frozen=True)
class LocalAuthority:
    """The local authority a release is about: LA number, ONS code and name."""

    old_la_code: str
    new_la_code: str
    la_name: str


@dataclass(frozen=True)
class School:
    """One establishment of the schools lookup."""

    urn: str
    name: str


@dataclass(frozen=True)
class Places:
    """Names and codes of the places of a release: its LA, its schools by LAESTAB and its
    wards by ONS code."""

    la: LocalAuthority
    schools: Mapping[str, School] = field(default_factory=dict)
    wards: Mapping[str, str] = field(default_factory=dict)

    def school(self, laestab: str) -> School:
        return self.schools.get(laestab, School(UNAVAILABLE_CODE, NOT_AVAILABLE))

    def ward_name(self, code: str) -> str:
        return self.wards.get(code, NOT_AVAILABLE)


def local_authority(old_la_code: str, lookup: Path = LOCAL_AUTHORITIES) -> LocalAuthority:
    """The LA with number ``old_la_code`` from the committed list; an LA not listed keeps
    its number, with its code and name marked unavailable."""
    listed = tomllib.loads(lookup.read_text(encoding="utf-8")).get(old_la_code)
    if listed is None:
        return LocalAuthority(old_la_code, UNAVAILABLE_CODE, NOT_AVAILABLE)
    return LocalAuthority(old_la_code, str(listed["new_la_code"]), str(listed["la_name"]))


def places_of(con: duckdb.DuckDBPyConnection) -> Places:
    """The places named in the store's schools lookup (module docstring)."""
    rows = con.execute(
        "SELECT laestab, urn, school_name, ward_code, ward_name FROM schools ORDER BY laestab"
    ).fetchall()
    numbers = sorted({str(laestab)[:3] for laestab, *_ in rows})
    la = (
        local_authority(numbers[0])
        if len(numbers) == 1
        else LocalAuthority(UNAVAILABLE_CODE, UNAVAILABLE_CODE, NOT_AVAILABLE)
    )
    schools = {
        str(e): School(UNAVAILABLE_CODE if u is None else str(u), str(n or NOT_AVAILABLE))
        for e, u, n, _, _ in rows
    }
    wards = {str(c): str(n) for *_, c, n in rows if c is not None and n is not None}
    return Places(la=la, schools=schools, wards=wards)
