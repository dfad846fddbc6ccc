"""Validating a typed input frame with its GX suite: accept, quarantine or reject.

The loader hands over a typed polars frame (``InputSchema.polars_schema()`` plus the Int64
source line ``_line``). ``validate`` derives the helper columns, runs the input's suite in
the process's GX context and splits the rows: those failing a row-level expectation go to
quarantine (every reason they failed), the rest are accepted. Batch-level failures (a
required column missing or blank throughout, more than ``max_bad_share`` of rows bad, an
expectation that could not run) are listed for the caller, who rejects the file.
"""

from __future__ import annotations

import time
from pathlib import Path

import polars as pl

from expectations.helpers import add_helper_columns, without_helpers
from expectations.outcome import ValidationOutcome
from expectations.referential import REFERENCES_CENSUS
from pipeline.load.reader import LINE
from pipeline.schema import INPUTS, InputSchema

DEFAULT_MAX_BAD_SHARE = 0.05


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


def validate(
    frame: pl.DataFrame,
    input_name: str,
    *,
    census_upns: pl.Series | None = None,
    max_bad_share: float = DEFAULT_MAX_BAD_SHARE,
    file: str | None = None,
    data_docs_dir: Path | None = None,
) -> ValidationOutcome:
    """Validate ``frame`` (typed rows of ``input_name``) with the input's GX suite.

    ``census_upns`` are the UPNs of the stored census; when given, results, absence, NCMP
    and consent rows naming another UPN are quarantined as ``unknown_pupil``. When
    ``data_docs_dir`` is given, the suite (never the data) is rendered there as GX Data Docs.
    """
    started = time.perf_counter()
    from expectations.engine import validate_frame
    from expectations.quarantine import quarantine_rows
    from expectations.results import blank_required_columns, read_results
    from expectations.suites import build_suite

    if input_name not in INPUTS:
        raise ValueError(f"unknown input {input_name!r}; known: {', '.join(INPUTS)}")
    schema = INPUTS[input_name]
    _check_contract(frame, schema)
    missing = {c for c in schema.required_columns if c not in frame.columns}
    rows = _with_optional_columns(frame, schema)
    check_census = census_upns is not None and input_name in REFERENCES_CENSUS
    suite = build_suite(input_name, check_census=check_census)
    checked = add_helper_columns(rows, input_name, census_upns if check_census else None)
    read = read_results(validate_frame(checked, input_name, suite), missing)

    quarantined = quarantine_rows(checked, read.row_failures)
    bad_lines = quarantined[LINE].unique()
    accepted = without_helpers(rows.filter(~pl.col(LINE).is_in(bad_lines.implode())))
    batch_failures = list(read.batch_failures)
    batch_failures += [
        f"required column {c!r} is blank on every row"
        for c in blank_required_columns(read.row_failures)
    ]
    if frame.height and bad_lines.len() / frame.height > max_bad_share:
        batch_failures.append(
            f"{bad_lines.len()} of {frame.height} rows ({bad_lines.len() / frame.height:.1%}) "
            f"failed a check, more than the limit of {max_bad_share * 100:g}%"
        )
    by_reason = (
        quarantined.group_by("expectation")
        .agg(pl.col(LINE).n_unique().alias("rows"))
        .sort("expectation")
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
        "expectations_evaluated": read.evaluated,
        "expectations_failed": read.failed,
        "census_check": "run" if check_census else "not run",
        "seconds": round(time.perf_counter() - started, 3),
    }
    if data_docs_dir is not None:
        from expectations.docs import build_suite_docs

        build_suite_docs(Path(data_docs_dir), [input_name])
    return ValidationOutcome(
        input=input_name,
        file=file,
        accepted=accepted,
        quarantined=quarantined,
        batch_failures=batch_failures,
        statistics=statistics,
    )
