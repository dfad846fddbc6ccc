"""Re-runs and revisions: a run of a period that already has a release.

Before a release is written, the ledger's newest release of the same flow and period that is
not withdrawn (``pipeline.ledger.read.latest_release``) is compared with what the run would
write:

* the same files (every table's CSV, every document and every reader file, EES open data
  and spreadsheet, byte for byte, by sha256, with the
  earlier release's folder still holding exactly the files its manifest lists) under the
  same profile: nothing new is written, and the run points to the earlier release
  (:func:`same_as`);
* anything else: the new release is a *revision* of the earlier one. Its manifest names the
  release it revises (``"revises"``), the ledger records it, and its reader's note
  (``README.md``, where the release has one) says so in a line under its title
  (:func:`with_revision_line`). When every earlier release of the period was withdrawn, the
  new release revises the newest of them.

A first release of a period has no ``revises`` and an unchanged note.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

from disclosure import Profile
from pipeline.ledger.read import LedgerRelease
from pipeline.release.manifest import profile_entry
from pipeline.release.note import NOTE_FILE

MANIFEST = "manifest.json"


def revision_line(revises: str) -> str:
    """The note's line naming the release a revision revises."""
    return (
        f"This release revises release `{revises}` (the same period): it replaces it, and "
        "its figures are the ones to use."
    )


def with_revision_line(documents: Mapping[str, str], revises: str | None) -> dict[str, str]:
    """``documents`` with :func:`revision_line` under the title of the reader's note (the
    first line, when it is a heading), for a revision; unchanged for a first release or a
    release without a note."""
    if revises is None or NOTE_FILE not in documents:
        return dict(documents)
    text = documents[NOTE_FILE]
    head, _, rest = text.partition("\n")
    line = revision_line(revises)
    noted = f"{head}\n\n{line}\n{rest}" if head.startswith("#") else f"{line}\n\n{text}"
    return {**documents, NOTE_FILE: noted}


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def published_files(release: LedgerRelease) -> tuple[dict[str, str], dict[str, Any]] | None:
    """The tables and documents of ``release``'s manifest with their sha256, and its
    profile entry, if its folder still holds every one of those files unchanged (``None``
    when the folder, its manifest or a file is missing or altered)."""
    folder = release.release_dir
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        listed = {t["file"]: t["sha256"] for t in manifest["tables"]}
        listed.update({d["file"]: d["sha256"] for d in manifest.get("documents", [])})
        listed.update({o["file"]: o["sha256"] for o in manifest.get("outputs", [])})
        for file, digest in listed.items():
            if _sha256((folder / file).read_bytes()) != digest:
                return None
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return listed, manifest.get("profile", {})


def same_as(earlier: LedgerRelease, files: Mapping[str, str], profile: Profile) -> bool:
    """Whether a run that would write ``files`` (file name -> sha256, tables and documents,
    ``pipeline.release.writer.file_digests``) under ``profile`` publishes exactly what
    ``earlier`` published: then nothing new is written."""
    published = published_files(earlier)
    if published is None:
        return False
    listed, profile_written = published
    profile_now = json.loads(json.dumps(profile_entry(profile)))
    return dict(files) == listed and profile_written == profile_now
