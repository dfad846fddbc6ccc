"""Tasks that bring input files into the store and apply the opt-out register."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from flows.tasks.base import store_task
from pipeline.consent import OptOutSummary, opt_out_summary
from pipeline.load.commit import LoadReport
from pipeline.load.inputs import commit_inputs, find_input_files, stage_inputs
from pipeline.load.staging import StagedFile
from pipeline.store import open_store


@store_task(name="load inputs")
def load_inputs(input_dir: Path, db_path: Path) -> list[StagedFile]:
    """Read and parse every input file of ``input_dir`` into the store's staging tables."""
    files = find_input_files(input_dir)
    with open_store(db_path) as con:
        return stage_inputs(con, files)


@store_task(name="validate inputs")
def validate_inputs(staged: list[StagedFile], db_path: Path) -> list[LoadReport]:
    """Validate staged rows (Great Expectations), quarantine failures, commit the rest."""
    with open_store(db_path) as con:
        return commit_inputs(con, [s.input for s in staged])


@store_task(name="exclude opt-outs")
def exclude_opt_outs(db_path: Path, census_date: date) -> OptOutSummary:
    """Count the census rows that a research opt-out keeps out of every statistic."""
    with open_store(db_path) as con:
        return opt_out_summary(con, census_date)
