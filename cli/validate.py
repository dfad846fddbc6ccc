"""``pupilstats validate FILE --kind census``: check a file without loading it.

The file is read, parsed and validated exactly as a load would (same reader, parser, GX
suite and limits) but nothing is written to the store. The command prints the summary
(rows read, accepted, quarantined by reason), writes the run's Data Docs under
``reports/quality/<run>/`` and exits 0 when the file as a whole would be accepted (some rows
may be quarantined), 1 when it would be rejected or cannot be read.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import polars as pl
import typer

from cli.app import ReportsOption, app, console, errors, fail, parse_date
from cli.progress import step
from expectations.docs import docs_entry
from expectations.limits import load_limits
from pipeline.load.check import FileCheck, check_file
from pipeline.load.quality_report import quality_dir, run_name, write_quality_report
from pipeline.settings import Settings
from schema.errors import InputFileError, PupilstatsError
from schema.inputs import INPUTS


def _census_upns(path: Path) -> pl.Series:
    """The UPNs a census file would store (its accepted rows)."""
    _, outcome = check_file(path, "census")
    return outcome.accepted["upn"]


def _geography(path: Path) -> pl.DataFrame:
    try:
        frame = pl.read_csv(path, infer_schema_length=0)
    except Exception as error:  # polars raises several types for a bad CSV
        raise InputFileError(path, f"cannot be read as CSV: {error}") from None
    missing = {"postcode", "ward_code", "lsoa_code", "idaci_score"} - set(frame.columns)
    if missing:
        raise InputFileError(
            path, f"postcode geography lacks column(s) {', '.join(sorted(missing))}"
        )
    return frame


def check_lines(check: FileCheck) -> list[str]:
    """Per failed check: the check, its column, how many lines and the first line numbers
    (the file's own line numbers, the header being line 1), so the rows can be found."""
    if not check.by_check:
        return [f"    {code:<28} {rows:>7}" for code, rows in check.quarantined_by_reason.items()]
    lines = []
    checks = max(24, *(len(c.check) for c in check.by_check))
    fields = max(20, *(len(c.field) for c in check.by_check))  # aligned when one names several
    for c in check.by_check:
        more = ", ..." if c.rows > len(c.first_lines) else ""
        where = ", ".join(str(n) for n in c.first_lines) + more
        lines.append(f"    {c.check:<{checks}} {c.field:<{fields}} {c.rows:>7}  line(s) {where}")
    return lines


def print_check(check: FileCheck) -> None:
    """The file's summary: counts, reasons, temporary UPNs, ignored columns, verdict."""
    console.print(
        f"{check.input}  {check.file}\n"
        f"  read {check.rows_read}  accepted {check.rows_accepted}  "
        f"quarantined {check.rows_quarantined}",
        highlight=False,
    )
    for line in check_lines(check):
        console.print(line, highlight=False, soft_wrap=True)
    if check.temporary_upns:
        console.print(f"  temporary UPNs accepted: {check.temporary_upns}", highlight=False)
    if check.ignored_columns:
        console.print(f"  columns ignored: {', '.join(check.ignored_columns)}", highlight=False)
    if check.accepted:
        console.print("  [bold green]accepted[/]")
    for failure in check.batch_failures:
        errors.print(
            f"[bold red]rejected:[/] {check.file}: {failure}", highlight=False, soft_wrap=True
        )


@app.command("validate")
def validate_command(
    file: Annotated[Path, typer.Argument(help="CSV, Parquet or (census) CTF .xml file")],
    kind: Annotated[str, typer.Option("--kind", help=f"Input: {', '.join(INPUTS)}")],
    census_date: Annotated[
        str | None, typer.Option(help="The run's census date, YYYY-MM-DD (census, CTF)")
    ] = None,
    census: Annotated[
        Path | None, typer.Option(help="Census file: results and registers must name its pupils")
    ] = None,
    geography: Annotated[
        Path | None,
        typer.Option(help="CTF only: CSV of postcode, ward_code, lsoa_code, idaci_score"),
    ] = None,
    profile: Annotated[
        str | None, typer.Option(help="Release profile whose quality limits apply")
    ] = None,
    la: Annotated[int | None, typer.Option(help="LA number (default: quality.toml)")] = None,
    reports: ReportsOption = None,
) -> None:
    """Validate FILE as input KIND without loading it; exit 1 if it would be rejected."""
    if kind not in INPUTS:
        raise fail(PupilstatsError(f"--kind must be one of {', '.join(INPUTS)}, not {kind!r}"))
    when = parse_date("--census-date", census_date) if census_date else None
    try:
        limits = load_limits(profile)
        if la is not None:
            limits = limits.with_la(la)
        with step(console, f"validating {file} (Great Expectations)"):
            check, outcome = check_file(
                file,
                kind,
                limits=limits,
                census_date=when,
                census_upns=_census_upns(census) if census is not None else None,
                geography=_geography(geography) if geography is not None else None,
            )
    except PupilstatsError as error:
        raise fail(error) from None
    name = run_name(f"validate-{kind}")
    settings = Settings.from_env(reports=reports)
    report = write_quality_report(
        quality_dir(settings.reports_dir, name),
        name,
        [check],
        [
            docs_entry(
                outcome,
                Path(file).name,
                counts=check.as_row(),
                batch_failures=check.batch_failures,
            )
        ],
        rejected="; ".join(check.batch_failures) or None,
    )
    print_check(check)
    if census is None and kind not in ("census", "schools"):
        console.print("  (no --census given: pupils were not checked against a census)")
    console.print(f"Data Docs: {report.index}", highlight=False, soft_wrap=True)
    if not check.accepted:
        raise typer.Exit(code=1)
