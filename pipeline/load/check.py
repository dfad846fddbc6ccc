"""Checking one input file without storing it: read, parse, validate, count.

``check_file`` is what ``pupilstats validate FILE --kind census`` runs: the same reader,
parser and GX suite as a load, but nothing is written to the store. ``FileCheck`` is the
summary of one file (rows read, accepted, quarantined by reason, and why the file as a whole
is rejected, if it is), shared by the CLI, the Prefect artifact and the load reports.
Counts add up: read = accepted + quarantined.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import polars as pl

from expectations.limits import QualityLimits
from expectations.outcome import ValidationOutcome
from expectations.run import validate
from pipeline.load.parse import parse_rows
from pipeline.load.reader import read_rows
from schema.inputs import INPUTS, LINE


def reason_code(reason: str) -> str:
    """The stable code of a quarantine reason (``not_a_date (expected ...)`` -> ``not_a_date``)."""
    return reason.split(":", 1)[0].split(" (", 1)[0].strip()


def rows_by_reason(parts: list[pl.DataFrame], column: str = "reason") -> dict[str, int]:
    """Distinct quarantined lines per reason code, over quarantine frames with ``_line``."""
    frames = [p.select(LINE, pl.col(column).alias("reason")) for p in parts if not p.is_empty()]
    if not frames:
        return {}
    stacked = pl.concat(frames).with_columns(
        pl.col("reason").map_elements(reason_code, return_dtype=pl.Utf8)
    )
    counts = stacked.group_by("reason").agg(pl.col(LINE).n_unique()).sort("reason")
    return dict(counts.iter_rows())


FIRST_LINES = 5
"""How many line numbers a check's summary lists (``CheckLines.first_lines``)."""


@dataclass(frozen=True)
class CheckLines:
    """Where one check failed in a file: the column(s), how many lines, the first lines."""

    check: str
    field: str
    rows: int
    first_lines: tuple[int, ...]


def lines_by_check(parts: list[pl.DataFrame], first: int = FIRST_LINES) -> tuple[CheckLines, ...]:
    """Per check and column, the distinct quarantined lines (count and the first ``first``),
    over quarantine frames with ``_line``, ``reason`` and (where known) ``field``; a row too
    malformed to split into fields has field ``(row)``."""
    frames = [
        p.select(
            pl.col(LINE).cast(pl.Int64),
            pl.col("reason").map_elements(reason_code, return_dtype=pl.Utf8).alias("check"),
            (pl.col("field") if "field" in p.columns else pl.lit(None, pl.Utf8))
            .fill_null("(row)")
            .alias("field"),
        )
        for p in parts
        if not p.is_empty()
    ]
    if not frames:
        return ()
    grouped = (
        pl.concat(frames)
        .group_by("check", "field")
        .agg(pl.col(LINE).n_unique().alias("rows"), pl.col(LINE).unique().sort().head(first))
        .sort("check", "field")
    )
    return tuple(
        CheckLines(check, field, rows, tuple(lines))
        for check, field, rows, lines in grouped.iter_rows()
    )


def bad_share_failure(bad: int, read: int, limit: float) -> str | None:
    """The batch failure when more than ``limit`` of ``read`` rows are bad."""
    if read and bad / read > limit:
        return (
            f"{bad} of {read} rows ({bad / read:.1%}) are quarantined, "
            f"more than the limit of {limit * 100:g}%"
        )
    return None


def batch_reasons(
    outcome: ValidationOutcome, rows_read: int, unparsed: int, limit: float
) -> list[str]:
    """Why a file is rejected: the suite's batch failures, else too many bad rows overall.

    The suite judges the parsed rows; rows that did not even parse count as bad too.
    """
    reasons = list(outcome.batch_failures)
    if not reasons:
        bad = unparsed + outcome.quarantined[LINE].n_unique()
        failure = bad_share_failure(bad, rows_read, limit)
        if failure:
            reasons.append(failure)
    return reasons


@dataclass(frozen=True)
class FileCheck:
    """The summary of validating one file: counts, reasons, and the verdict."""

    input: str
    file: str
    rows_read: int
    rows_accepted: int
    rows_quarantined: int
    quarantined_by_reason: dict[str, int] = field(default_factory=dict)
    temporary_upns: int = 0
    ignored_columns: tuple[str, ...] = ()
    batch_failures: tuple[str, ...] = ()
    by_check: tuple[CheckLines, ...] = ()
    """Where each check failed (column, count, first lines); filled by :func:`check_file`."""

    @property
    def accepted(self) -> bool:
        """True when the file as a whole may be loaded (some rows may be quarantined)."""
        return not self.batch_failures

    def as_row(self) -> dict[str, Any]:
        """One row of the run summary table (counts and reason codes, no pupil data)."""
        return {
            "input": self.input,
            "file": Path(self.file).name,
            "verdict": "accepted" if self.accepted else "rejected",
            "rows_read": self.rows_read,
            "rows_accepted": self.rows_accepted,
            "rows_quarantined": self.rows_quarantined,
            "quarantined_by_reason": ", ".join(
                f"{k} {v}" for k, v in self.quarantined_by_reason.items()
            ),
            "temporary_upns": self.temporary_upns,
            "rejected_because": "; ".join(self.batch_failures),
        }


def check_file(
    path: Path,
    input_name: str,
    *,
    limits: QualityLimits | None = None,
    census_date: date | None = None,
    census_upns: pl.Series | None = None,
    geography: pl.DataFrame | None = None,
) -> tuple[FileCheck, ValidationOutcome]:
    """Read, parse and validate ``path`` as ``input_name``; store nothing.

    Raises ``InputFileError`` when the file cannot be read as that input at all.
    """
    limits = limits or QualityLimits()
    schema = INPUTS[input_name]
    raw = read_rows(Path(path), schema, census_date=census_date, geography=geography)
    parsed = parse_rows(raw.rows, schema)
    outcome = validate(
        parsed.rows,
        input_name,
        census_upns=census_upns,
        census_date=census_date,
        limits=limits,
        file=str(raw.file),
    )
    unparsed = raw.malformed.height + parsed.quarantined[LINE].n_unique()
    parts = [
        raw.malformed,
        parsed.quarantined,
        outcome.quarantined.rename({"expectation": "reason"}),
    ]
    by_reason = rows_by_reason(parts)
    check = FileCheck(
        input=input_name,
        file=str(raw.file),
        rows_read=raw.rows_read,
        rows_accepted=outcome.accepted.height,
        rows_quarantined=unparsed + outcome.quarantined[LINE].n_unique(),
        quarantined_by_reason=by_reason,
        temporary_upns=int(outcome.statistics.get("temporary_upns", 0)),
        ignored_columns=raw.ignored_columns,
        batch_failures=tuple(batch_reasons(outcome, raw.rows_read, unparsed, limits.max_bad_share)),
        by_check=lines_by_check(parts),
    )
    return check, outcome
