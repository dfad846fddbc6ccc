"""Tasks that bring input files into the store and apply the opt-out register."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from prefect.artifacts import create_markdown_artifact, create_table_artifact

from expectations.docs import DocsEntry
from expectations.limits import load_limits
from flows.tasks.base import store_task
from pipeline.load.commit import LoadReport
from pipeline.load.inputs import commit_inputs, find_input_files, stage_inputs
from pipeline.load.quality_report import (
    quality_dir,
    run_name,
    summary_markdown,
    summary_rows,
    write_quality_report,
)
from pipeline.load.staging import StagedFile
from pipeline.store import open_store
from schema.errors import BatchRejected


def _validated_folder() -> str:
    """The run name of ``validate inputs``: the folder its staged files came from."""
    from prefect.runtime import task_run

    staged = task_run.parameters.get("staged") or []
    folders = sorted({Path(s.file).parent.name for s in staged})
    return " ".join(["validate inputs", *folders])


@store_task(name="load inputs", task_run_name="load inputs {input_dir.name}")
def load_inputs(input_dir: Path, db_path: Path) -> list[StagedFile]:
    """Read and parse every input file of ``input_dir`` into the store's staging tables."""
    files = find_input_files(input_dir)
    with open_store(db_path) as con:
        return stage_inputs(con, files)


@store_task(name="validate inputs", task_run_name=_validated_folder)
def validate_inputs(
    staged: list[StagedFile],
    db_path: Path,
    census_date: date | None = None,
    reports_dir: Path | None = None,
    profile: str | None = None,
) -> list[LoadReport]:
    """Validate staged rows (Great Expectations), quarantine failures, commit the rest.

    The quality limits are those of release ``profile`` (``expectations/config/
    quality.toml``); census rows must carry ``census_date``. With ``reports_dir`` the run's
    Data Docs go to ``<reports_dir>/quality/<run>/``; the summary (counts and reasons, no
    pupil data) becomes the ``validation-summary`` artifact. A rejected file raises
    ``BatchRejected``, which stops the flow before anything is aggregated.
    """
    docs: list[DocsEntry] = []
    reports: list[LoadReport] = []
    rejected: BatchRejected | None = None
    with open_store(db_path) as con:
        try:
            reports = commit_inputs(
                con,
                [s.input for s in staged],
                limits=load_limits(profile),
                census_date=census_date,
                docs=docs,
            )
        except BatchRejected as error:
            rejected = error
    checks = [r.as_check() for r in reports]
    message = str(rejected) if rejected else None
    summary_text = summary_markdown(checks, rejected=message)
    if reports_dir is not None:
        name = run_name("inputs")
        written = write_quality_report(
            quality_dir(reports_dir, name),
            name,
            checks,
            docs,
            rejected=message,
        )
        summary_text = written.summary
    create_markdown_artifact(
        key="validation-summary",
        markdown=summary_text,
        description="Data quality: rows read, accepted and quarantined by reason",
    )
    if checks:
        create_table_artifact(key="validation-counts", table=summary_rows(checks))
    if rejected is not None:
        raise rejected
    return reports
