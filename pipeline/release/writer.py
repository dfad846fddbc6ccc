"""Writing a release atomically: all of it, audited, or nothing.

A release is assembled in a hidden ``.partial-<id>`` folder beside the releases and renamed
to ``<id>`` only when every table is written, guarded against identifiers and the audit
has passed. A run that fails or is killed leaves no folder that looks like a release, and
the next run removes any stale partial folders. No CSV cell it writes starts a spreadsheet
formula (``pipeline.spreadsheet_cells``).

Given its :class:`~pipeline.release.outputs.ReaderFiles`, a release also holds its reader
files: the EES open-data files in ``open-data/`` and the spreadsheet ``release.xlsx``,
built from the same published tables (refused otherwise), written in the same
partial folder and listed in the manifest's ``outputs`` with their sha256, so they appear
with the rest or not at all, and a re-run compares them too (:func:`file_digests`).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import uuid
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

from disclosure import AuditReport, Profile, published_cells_digest
from pipeline.atomic_files import fsync_dir
from pipeline.fault_points import fault_point
from pipeline.release.guard import refuse_hidden_value_figures, refuse_identifiers
from pipeline.release.manifest import InputDigest, build_manifest, table_entry
from pipeline.release.outputs import ReaderFiles, file_format
from pipeline.release.published import ReleaseTable, audited_cells
from pipeline.spreadsheet_cells import safe_csv, safe_csv_text
from schema.errors import ReleaseRefused

PARTIAL_PREFIX = ".partial-"


class ReleaseRecord(Protocol):
    """What must become visible together with the release folder (the population a subject
    access request reads, ``pipeline.rights.release_population.PopulationRecord``, and the
    release's ledger entry, ``pipeline.ledger.record.LedgerRecord``): prepared once the
    release is complete in its partial folder, confirmed once it is renamed into place;
    whoever reads it settles a prepared record by whether the folder is there."""

    def prepare(self, release_id: str, release_dir: Path) -> None: ...

    def confirm(self, release_id: str) -> None: ...


def refuse_unaudited(tables: list[ReleaseTable], audit: AuditReport) -> None:
    """Raise ``ReleaseRefused`` unless the audit passed over exactly the cells of ``tables``:
    the digest of the audited cells rebuilt from what is about to be written must be the
    digest the audit computed over the pattern it checked."""
    if not audit.passed:
        raise ReleaseRefused(
            f"the audit did not pass ({len(audit.failures)} failing cell(s)): nothing was released"
        )
    written = published_cells_digest(audited_cells(tables))
    if written != audit.digest:
        raise ReleaseRefused(
            "the cells about to be written are not the cells the audit checked (digest "
            f"{written[:12]} != audited {audit.digest[:12]}): nothing was released"
        )


def new_release_id(flow: str, reference: str, now: datetime) -> str:
    return f"{flow}-{reference}-{now:%Y%m%dT%H%M%SZ}-{uuid.uuid4().hex[:6]}"


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def file_digests(
    tables: list[ReleaseTable],
    documents: Mapping[str, str] | None = None,
    reader: ReaderFiles | None = None,
) -> dict[str, str]:
    """The sha256 of every file :func:`write_release` would write for ``tables``,
    ``documents`` and ``reader`` files (the manifest aside), by path in the release folder:
    the bytes it writes, without writing them. A re-run compares them with an earlier
    release (``pipeline.ledger.revisions``)."""
    digests = {
        f"{t.name}.csv": hashlib.sha256(table_csv(t).encode("utf-8")).hexdigest() for t in tables
    }
    for file, text in (documents or {}).items():
        digests[file] = hashlib.sha256(document_text(file, text).encode("utf-8")).hexdigest()
    if reader is not None:
        digests.update(reader.digests())
    return digests


def column_entries(table: ReleaseTable) -> list[dict[str, object]]:
    """Per column of ``table``: its title, description and the meaning of its codes."""
    entries: list[dict[str, object]] = []
    for column in table.columns:
        text = table.text_of(column)
        entry: dict[str, object] = {"column": column, "title": text.title}
        if text.description:
            entry["description"] = text.description
        if text.values:
            entry["values"] = dict(text.values)
        entries.append(entry)
    return entries


def _fsync_tree(folder: Path) -> None:
    """Flush every file under ``folder`` and every folder's entries to disk."""
    for path in sorted(folder.rglob("*"), reverse=True):
        if path.is_dir():
            fsync_dir(path)
        else:
            with path.open("rb") as handle:
                os.fsync(handle.fileno())
    fsync_dir(folder)


def table_csv(table: ReleaseTable) -> str:
    """The CSV text of ``table`` as released: no cell a spreadsheet would evaluate
    (``pipeline.spreadsheet_cells``; the numbers and symbols of ordinary tables unchanged)."""
    return safe_csv(table.cells)


def document_text(file: str, text: str) -> str:
    """A document as released: a CSV document (``schools.csv``) with its cells made safe like
    the tables', any other document as given."""
    return safe_csv_text(text) if file.endswith(".csv") else text


def remove_stale_partials(releases_dir: Path) -> list[Path]:
    """Delete partial release folders left by runs that failed or were killed."""
    if not releases_dir.exists():
        return []
    stale = sorted(p for p in releases_dir.iterdir() if p.name.startswith(PARTIAL_PREFIX))
    for path in stale:
        shutil.rmtree(path, ignore_errors=True)
    return stale


def write_release(
    *,
    releases_dir: Path,
    flow: str,
    reference_date: str,
    profile: Profile,
    tables: list[ReleaseTable],
    inputs: list[InputDigest],
    audit: AuditReport,
    documents: Mapping[str, str] | None = None,
    record: ReleaseRecord | None = None,
    revises: str | None = None,
    reader: ReaderFiles | None = None,
) -> Path:
    """Write ``tables`` as one release under ``releases_dir`` and return its folder.

    Refused unless ``audit`` passed over exactly the cells about to be written
    (:func:`refuse_unaudited`). ``documents`` maps a file name (e.g. ``README.md``, a note for
    the recipient) to its text; each is written beside the tables and listed in the manifest
    with its sha256. ``record`` (the release's population for subject access and its ledger
    entry) is prepared when the release is complete but still hidden and confirmed after the
    rename that publishes it, so the two become visible together. ``revises`` names the
    earlier release of the same period this one revises (in the manifest; a first release
    has none). ``reader`` adds the reader files, the EES open-data files and the spreadsheet
    (module docstring), refused unless built from exactly ``tables``.
    """
    for table in tables:
        expected = table.columns
        if table.cells.columns != expected:
            raise ReleaseRefused(
                f"table {table.name!r} has columns {table.cells.columns}, expected {expected}"
            )
    refuse_unaudited(tables, audit)
    if reader is not None and not reader.built_from(tables):
        raise ReleaseRefused("the reader files were built from other tables: nothing released")
    for table in tables:
        refuse_identifiers(table.cells, table.name)
        refuse_hidden_value_figures(table.summary, table.name)
    releases_dir.mkdir(parents=True, exist_ok=True)
    remove_stale_partials(releases_dir)
    now = datetime.now(UTC)
    release_id = new_release_id(flow, reference_date, now)
    partial = releases_dir / f"{PARTIAL_PREFIX}{release_id}"
    final = releases_dir / release_id
    partial.mkdir()
    try:
        entries = []
        for table in tables:
            file = f"{table.name}.csv"
            path = partial / file
            fault_point("release: writing a table", path)
            path.write_text(table_csv(table), encoding="utf-8")
            entries.append(
                table_entry(
                    name=table.name,
                    file=file,
                    sha256=_sha256(path),
                    dimensions=table.dimensions,
                    measure=table.measure,
                    measure_kind=table.measure_kind,
                    derived=[
                        {"column": c.column, "kind": c.kind, "derived_from": list(c.derived_from)}
                        for c in table.derived
                    ],
                    profile=profile,
                    summary=table.summary,
                    title=table.title,
                    description=table.description,
                    columns=column_entries(table) if table.title else None,
                )
            )
        written_documents = []
        for file, text in sorted((documents or {}).items()):
            if "/" in file or file == "manifest.json" or file.startswith("."):
                raise ReleaseRefused(f"document name {file!r} is not a plain file name")
            path = partial / file
            path.write_text(document_text(file, text), encoding="utf-8")
            written_documents.append({"file": file, "sha256": _sha256(path)})
        outputs = []
        if reader is not None:
            for file, data in reader.files.items():
                path = partial / file
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(data)
                outputs.append({"file": file, "sha256": _sha256(path), "format": file_format(file)})
        manifest = build_manifest(
            release_id=release_id,
            flow=flow,
            profile=profile,
            created_at=now.isoformat(timespec="seconds"),
            reference_date=reference_date,
            inputs=inputs,
            tables=entries,
            audit=audit.as_dict(),
            documents=written_documents,
            revises=revises,
            outputs=outputs,
        )
        (partial / "manifest.json").write_text(
            json.dumps(manifest, indent=2, sort_keys=False) + "\n"
        )
        _fsync_tree(partial)
        if record is not None:
            record.prepare(release_id, final)
        os.rename(partial, final)
        fsync_dir(releases_dir)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    if record is not None:
        record.confirm(release_id)
    return final
