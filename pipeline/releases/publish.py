"""Publishing a counted, protected and audited release: a new one, a revision, or nothing.

:func:`publish` is the release step of every flow. It builds the release's published tables
and documents and checks that the audit passed over exactly those cells, then asks the ledger
for the newest release of the same flow and period that is not withdrawn
(``pipeline.ledger``):

* if the run would write the same files under the same profile (``revisions.same_as``),
  nothing is written and the result points to that release (``identical_to``);
* otherwise the release is written (``pipeline.release.writer``), with its reader files (EES
  open data and the spreadsheet, from the same published tables; the places they name come
  from the store's schools lookup, ``pipeline.release.places``) with its population record
  and ledger entry committed in one transaction (``pipeline.ledger.record``), so all three
  become visible together; if an earlier release of the period exists, it is a revision:
  ``revises`` in its manifest and ledger entry, and a line in its reader's note.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb

from disclosure import Profile
from pipeline.ledger.read import latest_release
from pipeline.ledger.record import LedgerRecord
from pipeline.ledger.revisions import same_as, with_revision_line
from pipeline.release.context import ReleaseContext, profile_rules
from pipeline.release.outputs import ReaderFiles
from pipeline.release.places import places_of
from pipeline.release.tables import input_digests
from pipeline.release.writer import file_digests, refuse_unaudited, write_release
from pipeline.releases.ledger import ledger_entry
from pipeline.releases.registry import release_steps
from pipeline.releases.spec import Counted, Protected, ReleaseSpec
from pipeline.rights.release_population import PopulationRecord


@dataclass(frozen=True)
class Published:
    """Where a run's release is: a folder it wrote, or the earlier release it would have
    repeated byte for byte (``identical_to``: nothing new was written)."""

    folder: Path
    release_id: str
    identical_to: str | None = None
    revises: str | None = None
    """The earlier release of the same period this new release revises."""


def publish(
    spec: ReleaseSpec,
    con: duckdb.DuckDBPyConnection,
    releases_dir: Path,
    counted: Counted,
    protected: Protected,
    profile: Profile,
) -> Published:
    """Write the release of ``spec`` under ``releases_dir`` unless the ledger's latest
    release of its period is the same (module docstring)."""
    steps = release_steps(spec)
    tables = steps.release_tables(counted, protected, profile)
    refuse_unaudited(tables, protected.audit)
    documents = steps.documents(con, counted, profile, tables)
    reader = ReaderFiles.build(
        tables,
        ReleaseContext(
            title=spec.title,
            reference_date=counted.reference_date,
            symbol=profile.symbol,
            places=places_of(con),
            about=spec.population,
            rules=profile_rules(profile),
        ),
    )
    earlier = latest_release(con, spec.name, counted.period)
    if earlier is not None:
        again = file_digests(tables, with_revision_line(documents, earlier.revises), reader)
        if same_as(earlier, again, profile):
            return Published(
                earlier.release_dir, earlier.release_id, identical_to=earlier.release_id
            )
    else:
        earlier = latest_release(con, spec.name, counted.period, withdrawn=True)
    revises = earlier.release_id if earlier is not None else None
    record = LedgerRecord(
        population=PopulationRecord(con, spec.name, steps.population_statuses(con, counted)),
        entry=ledger_entry(spec, counted, protected, profile, revises),
    )
    folder = write_release(
        releases_dir=releases_dir,
        flow=spec.name,
        reference_date=counted.reference_date.isoformat(),
        profile=profile,
        tables=tables,
        inputs=input_digests(con, list(spec.inputs)),
        audit=protected.audit,
        documents=with_revision_line(documents, revises),
        record=record,
        revises=revises,
        reader=reader,
    )
    return Published(folder, folder.name, revises=revises)
