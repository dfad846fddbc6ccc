"""Reading a protected release folder: its manifest and its published CSVs, nothing else.

A release folder (``pipeline/release/writer.py``) holds ``manifest.json`` and one CSV per
table. Every cell is published text: a number, or a symbol such as the profile's
suppression symbol. The reader checks each CSV against the sha256 the manifest records, so
the page is built from exactly what was released.
"""

from __future__ import annotations

import csv
import hashlib
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from schema.errors import PupilstatsError

PARTIAL_PREFIX = ".partial-"


class DashboardError(PupilstatsError):
    """The dashboard cannot be built from the folder it was given."""


@dataclass(frozen=True)
class Dimension:
    """One dimension of a published table: its column, total code and each code's parent."""

    column: str
    total: str
    parents: Mapping[str, str]
    labels: Mapping[str, str] = field(default_factory=dict)
    """Labels for codes, when the manifest gives them (e.g. school names)."""

    @property
    def codes(self) -> list[str]:
        """Every code, the total first, others in manifest order."""
        return [self.total, *self.parents]

    def children(self, code: str) -> list[str]:
        return [c for c, parent in self.parents.items() if parent == code]

    @property
    def leaves(self) -> list[str]:
        """Codes that are nobody's parent (for a school dimension: the schools)."""
        parents = set(self.parents.values())
        return [c for c in self.parents if c not in parents]

    def depth(self, code: str) -> int:
        """0 for the total, 1 for its children, and so on."""
        steps = 0
        while code != self.total:
            code = self.parents[code]
            steps += 1
        return steps


@dataclass(frozen=True)
class Column:
    """A published column and what it holds (``count``, ``percentage``, ``mean``, ...)."""

    column: str
    kind: str


@dataclass(frozen=True)
class PublishedTable:
    """One table of the release: dimensions, measure, derived columns and its rows as text."""

    name: str
    dimensions: tuple[Dimension, ...]
    measure: Column
    derived: tuple[Column, ...]
    rows: tuple[Mapping[str, str], ...]
    threshold: int | None
    symbol: str
    rounding_base: int | None
    entry: Mapping[str, Any] = field(default_factory=dict)
    _index: dict[tuple[str, ...], Mapping[str, str]] = field(
        default_factory=dict, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        names = [d.column for d in self.dimensions]
        for row in self.rows:
            self._index[tuple(row[n] for n in names)] = row

    @property
    def columns(self) -> tuple[Column, ...]:
        """The measure and the derived columns, in CSV order."""
        return (self.measure, *self.derived)

    def dimension(self, column: str) -> Dimension | None:
        return next((d for d in self.dimensions if d.column == column), None)

    def cell(self, codes: Mapping[str, str]) -> Mapping[str, str] | None:
        """The row at ``codes``; a dimension not named is taken at its total."""
        key = tuple(codes.get(d.column, d.total) for d in self.dimensions)
        return self._index.get(key)


@dataclass(frozen=True)
class School:
    """A school as the release's public lookup (``schools.csv``) names it."""

    name: str
    phase: str


SCHOOLS_DOCUMENT = "schools.csv"
"""An optional document of the release: one row per school (``laestab``, ``school_name``,
``phase``), the public lookup that names the codes of the school dimension."""


@dataclass(frozen=True)
class Release:
    """What the dashboard knows: the manifest's header and the published tables."""

    path: Path
    release_id: str
    flow: str
    reference_date: str
    created_at: str
    profile: Mapping[str, Any]
    tables: tuple[PublishedTable, ...]
    audit_passed: bool
    documents: tuple[str, ...] = ()
    schools: Mapping[str, School] = field(default_factory=dict)

    @property
    def symbol(self) -> str:
        return str(self.profile.get("symbol", "c"))

    @property
    def threshold(self) -> int:
        return int(self.profile.get("threshold", 0))

    def table(self, name: str) -> PublishedTable | None:
        return next((t for t in self.tables if t.name == name), None)


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _dimension(entry: Mapping[str, Any]) -> Dimension:
    return Dimension(
        column=str(entry["column"]),
        total=str(entry["total"]),
        parents={str(k): str(v) for k, v in entry.get("parents", {}).items()},
        labels={str(k): str(v) for k, v in entry.get("labels", {}).items()},
    )


def _rows(path: Path) -> tuple[Mapping[str, str], ...]:
    with path.open(newline="", encoding="utf-8") as handle:
        return tuple(csv.DictReader(handle))


def _table(folder: Path, entry: Mapping[str, Any], profile: Mapping[str, Any]) -> PublishedTable:
    path = _checked(folder, entry, f"table {entry['name']!r}")
    measure = entry["measure"]
    return PublishedTable(
        name=str(entry["name"]),
        dimensions=tuple(_dimension(d) for d in entry["dimensions"]),
        measure=Column(str(measure["column"]), str(measure.get("kind", "count"))),
        derived=tuple(Column(str(d["column"]), str(d["kind"])) for d in entry.get("derived", [])),
        rows=_rows(path),
        threshold=entry.get("threshold", profile.get("threshold")),
        symbol=str(entry.get("symbols", {}).get("suppressed", profile.get("symbol", "c"))),
        rounding_base=entry.get("rounding_base", profile.get("rounding_base")),
        entry=entry,
    )


def _checked(folder: Path, entry: Mapping[str, Any], what: str) -> Path:
    file = str(entry["file"])
    if "/" in file or file.startswith("."):
        raise DashboardError(f"{folder}: {what} file {file!r} is not a plain file name")
    path = folder / file
    if not path.is_file():
        raise DashboardError(f"{folder}: {what} has no file {file}")
    if "sha256" in entry and _sha256(path) != entry["sha256"]:
        raise DashboardError(f"{path}: sha256 differs from the manifest: not this release")
    return path


def _schools(folder: Path, documents: list[Mapping[str, Any]]) -> dict[str, School]:
    entry = next((d for d in documents if d.get("file") == SCHOOLS_DOCUMENT), None)
    if entry is None:
        return {}
    rows = _rows(_checked(folder, entry, "document"))
    schools = {}
    for row in rows:
        code = next((row[k] for k in ("laestab", "school", "urn") if row.get(k)), None)
        if code:
            name = row.get("school_name") or row.get("name") or ""
            schools[code] = School(name=name, phase=row.get("phase", ""))
    return schools


def read_release(release_dir: Path) -> Release:
    """The release in ``release_dir``, every CSV checked against its manifest sha256."""
    folder = Path(release_dir)
    manifest_path = folder / "manifest.json"
    if not manifest_path.is_file():
        raise DashboardError(f"{folder}: no manifest.json: not a release folder")
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        raise DashboardError(f"{manifest_path}: not valid JSON ({error})") from None
    profile = manifest.get("profile", {})
    return Release(
        path=folder,
        release_id=str(manifest["release_id"]),
        flow=str(manifest.get("flow", "")),
        reference_date=str(manifest.get("reference_date", "")),
        created_at=str(manifest.get("created_at", "")),
        profile=profile,
        tables=tuple(_table(folder, t, profile) for t in manifest.get("tables", [])),
        audit_passed=bool(manifest.get("audit", {}).get("passed", False)),
        documents=tuple(str(d["file"]) for d in manifest.get("documents", [])),
        schools=_schools(folder, manifest.get("documents", [])),
    )


def _release_folders(releases_dir: Path) -> Iterator[tuple[str, Path]]:
    if not releases_dir.is_dir():
        return
    for folder in releases_dir.iterdir():
        manifest = folder / "manifest.json"
        if folder.name.startswith(PARTIAL_PREFIX) or not manifest.is_file():
            continue
        try:
            data = json.loads(manifest.read_text(encoding="utf-8"))
        except json.JSONDecodeError:
            continue
        yield str(data.get("flow", "")), folder


def latest_release(releases_dir: Path, flow: str | None = None) -> Path:
    """The newest complete release folder (of ``flow``, if given) under ``releases_dir``.

    Release ids carry their creation time (``<flow>-<reference>-<UTC time>-<random>``), so
    among one flow's releases the newest is the one written last; across flows the folder's
    modification time decides.
    """
    found = [
        folder for name, folder in _release_folders(Path(releases_dir)) if flow in (None, name)
    ]
    if not found:
        which = f" of flow {flow!r}" if flow else ""
        raise DashboardError(f"{releases_dir}: no release{which} to build the dashboard from")
    return max(found, key=lambda p: (p.stat().st_mtime_ns, p.name))
