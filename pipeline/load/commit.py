"""Step 2 of a load: validate staged rows and commit them to the input's table.

The staged rows are checked by the input's Great Expectations suite
(``expectations.run.validate``) under the run's limits (``expectations.limits``: LA number,
completeness thresholds, largest bad share) and census date. Rows failing a row-level
expectation join the quarantine; a batch-level failure (a required column missing or
incomplete, a file of another census or LA, too large a share of bad rows) raises
``BatchRejected`` naming the file and the reason, and changes nothing in the input's table.
Otherwise the accepted rows replace the stored rows of the same delivery (the census of the
same census date, the results of the same academic year), so re-loading a file is
idempotent.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime

import duckdb
import polars as pl

from expectations.docs import DocsEntry, docs_entry
from expectations.limits import QualityLimits, load_limits
from expectations.outcome import ValidationOutcome
from expectations.run import validate
from pipeline.load.check import FileCheck, batch_reasons, reason_code
from pipeline.load.staging import StagedFile, insert_quarantine, quarantine_frame, staging_table
from pipeline.store.transaction import rollback_quietly
from schema.errors import BatchRejected, PupilstatsError
from schema.inputs import INPUTS, LINE, InputSchema


@dataclass(frozen=True)
class LoadReport:
    """What loading one file did. Counts add up: read = accepted + quarantined."""

    input: str
    file: str
    sha256: str
    delivery: str
    rows_read: int
    rows_accepted: int
    rows_quarantined: int
    quarantined_by_reason: dict[str, int] = field(default_factory=dict)
    temporary_upns: int = 0

    def as_check(self) -> FileCheck:
        """The file's summary, as the validation summary and artifact show it."""
        return FileCheck(
            input=self.input,
            file=self.file,
            rows_read=self.rows_read,
            rows_accepted=self.rows_accepted,
            rows_quarantined=self.rows_quarantined,
            quarantined_by_reason=self.quarantined_by_reason,
            temporary_upns=self.temporary_upns,
        )

    def as_dict(self) -> dict[str, object]:
        return {
            "input": self.input,
            "file": self.file,
            "sha256": self.sha256,
            "delivery": self.delivery,
            "rows_read": self.rows_read,
            "rows_accepted": self.rows_accepted,
            "rows_quarantined": self.rows_quarantined,
            "quarantined_by_reason": self.quarantined_by_reason,
            "temporary_upns": self.temporary_upns,
        }


def staged_file(con: duckdb.DuckDBPyConnection, input_name: str) -> StagedFile:
    row = con.execute(
        "SELECT input, load_id, file, sha256, delivery, rows_read, rows_unparsed "
        "FROM staged_files WHERE input = ?",
        [input_name],
    ).fetchall()
    if not row:
        raise PupilstatsError(f"no {input_name} file has been staged: load it first")
    return StagedFile(*row[0])


def census_upns(con: duckdb.DuckDBPyConnection) -> pl.Series:
    """The UPNs on any stored census: results and registers must name one of them."""
    return con.sql("SELECT DISTINCT upn FROM census").pl()["upn"]


def _replace_delivery(
    con: duckdb.DuckDBPyConnection, schema: InputSchema, accepted: pl.DataFrame
) -> None:
    table = schema.name
    if schema.replaced_by:
        keys = accepted.select(schema.replaced_by).unique()
        con.register("delivery_keys", keys.to_arrow())
        match = " AND ".join(f"t.{c} = k.{c}" for c in schema.replaced_by)
        con.execute(
            f"DELETE FROM {table} t WHERE EXISTS (SELECT 1 FROM delivery_keys k WHERE {match})"
        )
        con.unregister("delivery_keys")
    else:
        con.execute(f"DELETE FROM {table}")
    con.register("accepted_rows", accepted.select(schema.column_names).to_arrow())
    try:
        con.execute(f"INSERT INTO {table} SELECT * FROM accepted_rows")
    finally:
        con.unregister("accepted_rows")


@dataclass(frozen=True)
class CheckedInput:
    """A staged input that passed its batch-level checks: its rows split into accepted and
    quarantined, not yet written."""

    schema: InputSchema
    staged: StagedFile
    outcome: ValidationOutcome
    rows_quarantined: int


def check_staged(
    con: duckdb.DuckDBPyConnection,
    input_name: str,
    *,
    limits: QualityLimits | None = None,
    census_date: date | None = None,
    docs: list[DocsEntry] | None = None,
    known_upns: pl.Series | None = None,
) -> CheckedInput:
    """Validate the staged rows of ``input_name``; write nothing.

    ``limits`` default to ``expectations/config/quality.toml``; ``census_date`` is the
    run's (census rows with another are quarantined, another census rejected). Results and
    registers must name a pupil on a census: the stored census and ``known_upns`` (the
    census accepted earlier in the same delivery). The redacted validation result is
    appended to ``docs`` (for the run's Data Docs) before a rejection (``BatchRejected``)
    is raised, so that a rejected file has its page too.
    """
    limits = limits or load_limits()
    schema = INPUTS[input_name]
    staged = staged_file(con, input_name)
    rows = con.sql(f"SELECT * FROM {staging_table(schema)} ORDER BY {LINE}").pl()
    upns = None
    if input_name not in ("census", "schools"):
        upns = census_upns(con)
        if known_upns is not None:
            upns = pl.concat([upns, known_upns.cast(pl.Utf8)]).unique()
    outcome = validate(
        rows,
        input_name,
        census_upns=upns,
        census_date=census_date,
        limits=limits,
        file=staged.file,
    )
    total_bad = staged.rows_unparsed + outcome.quarantined[LINE].n_unique()
    reasons = batch_reasons(outcome, staged.rows_read, staged.rows_unparsed, limits.max_bad_share)
    if docs is not None:
        counts = {
            "rows_read": staged.rows_read,
            "rows_accepted": outcome.accepted.height,
            "rows_quarantined": total_bad,
        }
        docs.append(docs_entry(outcome, counts=counts, batch_failures=reasons))
    if reasons:
        raise BatchRejected(staged.file, reasons)
    return CheckedInput(schema, staged, outcome, total_bad)


def write_checked(con: duckdb.DuckDBPyConnection, checked: CheckedInput) -> LoadReport:
    """Write a checked input, inside the caller's transaction: its accepted rows replace
    the stored rows of the same delivery, its quarantined rows join the quarantine, the
    load is recorded in ``loads`` and its staging table dropped."""
    schema, staged, outcome = checked.schema, checked.staged, checked.outcome
    gx_quarantine = outcome.quarantined.rename({"expectation": "reason"})
    _replace_delivery(con, schema, outcome.accepted)
    con.execute(
        "DELETE FROM quarantine WHERE input = ? AND delivery = ? AND load_id <> ?",
        [schema.name, staged.delivery, staged.load_id],
    )
    insert_quarantine(
        con,
        quarantine_frame(
            [gx_quarantine],
            load_id=staged.load_id,
            input_name=schema.name,
            delivery=staged.delivery,
            file=staged.file,
        ),
    )
    by_reason: dict[str, set[int]] = {}
    for reason, lines in con.execute(
        "SELECT reason, list(DISTINCT line) FROM quarantine WHERE load_id = ? "
        "GROUP BY reason ORDER BY reason",
        [staged.load_id],
    ).fetchall():
        by_reason.setdefault(reason_code(reason), set()).update(lines)
    quarantined_by_reason = {k: len(v) for k, v in sorted(by_reason.items())}
    report = LoadReport(
        input=schema.name,
        file=staged.file,
        sha256=staged.sha256,
        delivery=staged.delivery,
        rows_read=staged.rows_read,
        rows_accepted=outcome.accepted.height,
        rows_quarantined=checked.rows_quarantined,
        quarantined_by_reason=quarantined_by_reason,
        temporary_upns=int(outcome.statistics.get("temporary_upns", 0)),
    )
    if report.rows_accepted + report.rows_quarantined != report.rows_read:
        raise PupilstatsError(
            f"{staged.file}: counts do not add up: read {report.rows_read}, accepted "
            f"{report.rows_accepted}, quarantined {report.rows_quarantined}"
        )
    con.execute(
        "DELETE FROM loads WHERE input = ? AND delivery = ?", [schema.name, staged.delivery]
    )
    con.execute(
        "INSERT INTO loads VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            staged.load_id,
            schema.name,
            staged.delivery,
            staged.file,
            staged.sha256,
            report.rows_read,
            report.rows_accepted,
            report.rows_quarantined,
            datetime.now(UTC).replace(tzinfo=None),
        ],
    )
    con.execute(f"DROP TABLE {staging_table(schema)}")
    con.execute("DELETE FROM staged_files WHERE input = ?", [schema.name])
    return report


def commit_staged(
    con: duckdb.DuckDBPyConnection,
    input_name: str,
    *,
    limits: QualityLimits | None = None,
    census_date: date | None = None,
    docs: list[DocsEntry] | None = None,
) -> LoadReport:
    """Validate the staged rows of ``input_name`` and commit the accepted ones on their own
    (``check_staged``, then ``write_checked`` in one transaction). A whole delivery is
    committed together by ``pipeline.load.inputs.commit_inputs``."""
    checked = check_staged(con, input_name, limits=limits, census_date=census_date, docs=docs)
    con.execute("BEGIN TRANSACTION")
    try:
        report = write_checked(con, checked)
        con.execute("COMMIT")
    except Exception:
        rollback_quietly(con)
        raise
    return report
