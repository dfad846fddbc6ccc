"""The files a release has for its readers beyond its tables' CSVs and documents: the EES
open-data files (``pipeline.release.open_data``) and the spreadsheet
(``pipeline.release.spreadsheet``), both built from the same published tables, by path in
the release folder.

They are built once per run (:meth:`ReaderFiles.build`; the spreadsheet of the nightly
release takes seconds) and used twice: their digests for the re-run check and their bytes
for the release. :class:`ReaderFiles` remembers a digest of the tables it was built from, so
the writer refuses files built from other tables than those it writes.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from pipeline.release.context import ReleaseContext
from pipeline.release.open_data import OPEN_DATA_FOLDER, open_data_files
from pipeline.release.published import ReleaseTable
from pipeline.release.spreadsheet import SPREADSHEET_FILE, spreadsheet_bytes

EES_DATA, EES_METADATA, SPREADSHEET = "ees-data", "ees-metadata", "spreadsheet"


def tables_digest(tables: Sequence[ReleaseTable]) -> str:
    """sha256 over every table's name, columns and cells, in order."""
    digest = hashlib.sha256()
    for table in tables:
        digest.update(table.name.encode("utf-8") + b"\0")
        digest.update(table.cells.write_csv(line_terminator="\n").encode("utf-8") + b"\0")
    return digest.hexdigest()


@dataclass(frozen=True)
class ReaderFiles:
    """The reader files of some tables: bytes by path, and the digest of those tables."""

    files: Mapping[str, bytes]
    tables_sha256: str

    @classmethod
    def build(cls, tables: Sequence[ReleaseTable], context: ReleaseContext) -> ReaderFiles:
        """Every EES file and the workbook of ``tables``, by path in the release folder."""
        files = open_data_files(tables, context)
        files[SPREADSHEET_FILE] = spreadsheet_bytes(tables, context)
        return cls(files=files, tables_sha256=tables_digest(tables))

    def digests(self) -> dict[str, str]:
        return {path: hashlib.sha256(data).hexdigest() for path, data in self.files.items()}

    def built_from(self, tables: Sequence[ReleaseTable]) -> bool:
        return tables_digest(tables) == self.tables_sha256


def file_format(path: str) -> str:
    """What a reader file is, for the manifest: EES data, EES metadata or the spreadsheet."""
    if path == SPREADSHEET_FILE:
        return SPREADSHEET
    if path.startswith(f"{OPEN_DATA_FOLDER}/") and path.endswith(".meta.csv"):
        return EES_METADATA
    return EES_DATA
