"""Validating a typed input frame with its GX suite: accept, quarantine or reject.

The loader hands over a typed polars frame (``InputSchema.polars_schema()`` plus the Int64
source line ``_line``). ``validate`` derives the helper columns, runs the input's suite in
the process's GX context and splits the rows: those failing a row-level expectation go to
quarantine (every reason they failed), the rest are accepted. Batch-level failures are
listed for the caller, who rejects the file:

* a required column missing, or blank on every row, or filled on fewer rows than its
  completeness threshold (``expectations.limits``);
* the file as a whole for another census (its most common census date is not the run's) or
  another local authority (its most common LA number is not the configured one);
* more than ``max_bad_share`` of its rows bad;
* an expectation that could not run.

When the file is for another census or LA, that is the one reason given: its rows all fail
too, and listing the consequences would hide the cause.

The suites (``expectations.suites``) import Great Expectations, which takes seconds, so
``validate`` imports them on first use and importing this module stays cheap.
"""

from __future__ import annotations

import time
from datetime import date

import polars as pl

from expectations.engine import validate_frame
from expectations.helpers import add_helper_columns, without_helpers
from expectations.limits import QualityLimits
from expectations.outcome import ValidationOutcome
from expectations.quarantine import quarantine_rows
from expectations.redaction import redacted
from expectations.referential import REFERENCES_CENSUS
from expectations.results import blank_required_columns, read_results
from schema.inputs import INPUTS, LINE, InputSchema

DEFAULT_MAX_BAD_SHARE = 0.05
TEMPORARY_UPN = r"^[A-Z][0-9]{11}[A-Z]$"
"""A temporary UPN ends in a letter (DfE UPN guidance): a pupil whose permanent UPN is not
yet known. It is valid (its check letter counts the final letter by the same table) and
counted, since many temporary UPNs mean pupils who cannot be linked across datasets."""


def _check_contract(frame: pl.DataFrame, schema: InputSchema) -> None:
    """Raise ``ValueError`` when the frame is not what the loader promises."""
    if LINE not in frame.columns:
        raise ValueError(f"{schema.name}: the frame has no {LINE} column")
    if frame[LINE].null_count() or frame[LINE].n_unique() != frame.height:
        raise ValueError(f"{schema.name}: {LINE} must be unique and never null")
    expected = schema.polars_schema()
    wrong = [
        f"{name} is {frame.schema[name]}, expected {dtype}"
        for name, dtype in expected.items()
        if name in frame.columns and frame.schema[name] != dtype
    ]
    if wrong:
        raise ValueError(f"{schema.name}: columns not typed per the schema: {'; '.join(wrong)}")


def _with_optional_columns(frame: pl.DataFrame, schema: InputSchema) -> pl.DataFrame:
    """Add absent optional columns as nulls, so that their (vacuous) checks can run."""
    absent = [c for c in schema.columns if not c.required and c.name not in frame.columns]
    return frame.with_columns(pl.lit(None, c.dtype).alias(c.name) for c in absent)


def _most_common(values: pl.Series) -> object | None:
    """The most frequent non-null value (ties: the smallest), or ``None``."""
    counts = values.drop_nulls().value_counts(sort=True)
    if counts.is_empty():
        return None
    top = counts[0, "count"]
    return counts.filter(pl.col("count") == top)[values.name].sort()[0]


def whole_file_failures(
    frame: pl.DataFrame, input_name: str, *, census_date: date | None, la_number: int | None
) -> list[str]:
    """Why the file as a whole belongs to another census or another local authority."""
    found = []
    if census_date is not None and input_name == "census" and "census_date" in frame.columns:
        held = _most_common(frame["census_date"])
        if held is not None and held != census_date:
            found.append(
                f"the file holds the census of {held}, not the run's census date {census_date}"
            )
    if la_number is not None and "laestab" in frame.columns:
        held = _most_common(frame["laestab"].str.slice(0, 3))
        if held is not None and held != f"{la_number:03d}":
            found.append(f"the file is for LA {held}, not the configured LA {la_number:03d}")
    return found


def _completeness(
    limits: QualityLimits, input_name: str, rows: int
) -> tuple[tuple[str, float], ...]:
    if rows < limits.completeness_min_rows:
        return ()
    return tuple(sorted(limits.thresholds(input_name).items()))


def validate(
    frame: pl.DataFrame,
    input_name: str,
    *,
    census_upns: pl.Series | None = None,
    census_date: date | None = None,
    limits: QualityLimits | None = None,
    max_bad_share: float | None = None,
    file: str | None = None,
) -> ValidationOutcome:
    """Validate ``frame`` (typed rows of ``input_name``) with the input's GX suite.

    ``census_upns`` are the UPNs of the stored census; when given, results, absence, NCMP
    and consent rows naming another UPN are quarantined as ``unknown_pupil``.
    ``census_date`` is the run's census date: census rows with another are quarantined
    (``census_date_mismatch``), a file of another census rejected. ``limits`` give the LA
    number, the completeness thresholds and the largest bad share (``max_bad_share``
    overrides the latter).
    """
    started = time.perf_counter()
    from expectations.suites import build_suite  # Great Expectations: see the docstring

    if input_name not in INPUTS:
        raise ValueError(f"unknown input {input_name!r}; known: {', '.join(INPUTS)}")
    schema = INPUTS[input_name]
    limits = limits or QualityLimits()
    share_limit = limits.max_bad_share if max_bad_share is None else max_bad_share
    _check_contract(frame, schema)
    missing = {c for c in schema.required_columns if c not in frame.columns}
    rows = _with_optional_columns(frame, schema)
    check_census = census_upns is not None and input_name in REFERENCES_CENSUS
    suite = build_suite(
        input_name,
        check_census=check_census,
        la_number=limits.la_number,
        census_date=census_date,
        completeness=_completeness(limits, input_name, frame.height),
    )
    checked = add_helper_columns(rows, input_name, census_upns if check_census else None)
    validation = validate_frame(checked, input_name, suite)
    read = read_results(validation, missing)

    quarantined = quarantine_rows(checked, read.row_failures)
    bad_lines = quarantined[LINE].unique()
    accepted = without_helpers(rows.filter(~pl.col(LINE).is_in(bad_lines.implode())))
    blank = blank_required_columns(read.row_failures)
    batch_failures = [
        f for f in read.batch_failures if not any(f"column {c!r} is filled" in f for c in blank)
    ]
    batch_failures += [f"required column {c!r} is blank on every row" for c in blank]
    wrong_file = whole_file_failures(
        frame, input_name, census_date=census_date, la_number=limits.la_number
    )
    if wrong_file:
        batch_failures = wrong_file
    elif frame.height and bad_lines.len() / frame.height > share_limit:
        batch_failures.append(
            f"{bad_lines.len()} of {frame.height} rows ({bad_lines.len() / frame.height:.1%}) "
            f"failed a check, more than the limit of {share_limit * 100:g}%"
        )
    by_reason = (
        quarantined.group_by("expectation")
        .agg(pl.col(LINE).n_unique().alias("rows"))
        .sort("expectation")
    )
    temporary = (
        int(accepted["upn"].str.contains(TEMPORARY_UPN).sum()) if "upn" in accepted.columns else 0
    )
    statistics = {
        "input": input_name,
        "file": file,
        "suite": suite.name,
        "rows_read": frame.height,
        "rows_accepted": accepted.height,
        "rows_quarantined": bad_lines.len(),
        "quarantine_entries": quarantined.height,
        "quarantined_by_reason": dict(by_reason.iter_rows()),
        "temporary_upns": temporary,
        "expectations_evaluated": read.evaluated,
        "expectations_failed": read.failed,
        "census_check": "run" if check_census else "not run",
        "seconds": round(time.perf_counter() - started, 3),
    }
    return ValidationOutcome(
        input=input_name,
        file=file,
        accepted=accepted,
        quarantined=quarantined,
        batch_failures=batch_failures,
        statistics=statistics,
        suite=suite,
        docs_result=redacted(validation),
    )
