"""Who the health release counts: opt-outs at the census and at the reference date, held-back
measurements, and the population recorded for subject access."""

from __future__ import annotations

import shutil
from datetime import date, timedelta
from pathlib import Path

import polars as pl
import pytest

from pipeline.releases.ccg_health.measurements import classified_year, measurement_reference_date
from pipeline.releases.ccg_health.population import (
    COUNTED,
    EXCLUDED,
    HELD_BACK,
    classification_load_id,
    health_population_statuses,
    measured_population,
)
from pipeline.releases.periods import academic_year_bounds
from pipeline.rights.consent_register import Instruction, record_instruction
from pipeline.rights.release_population import PopulationRecord
from pipeline.store import open_store
from schema.errors import PupilstatsError
from tests.pipeline.releases.ccg_health.conftest import ACADEMIC_YEAR, LoadedBorough


@pytest.fixture
def store(loaded_borough: LoadedBorough, tmp_path: Path) -> Path:
    """A private copy of the loaded borough's store."""
    copy = tmp_path / "store.duckdb"
    shutil.copy(loaded_borough.db_path, copy)
    return copy


def test_an_opt_out_recorded_after_the_census_but_before_the_reference_date_excludes(
    store: Path,
) -> None:
    with open_store(store) as con:
        before = classified_year(con, ACADEMIC_YEAR)
        reference = measurement_reference_date(con, ACADEMIC_YEAR)
        assert before.census_date < reference
        assert before.reference_date == reference
        counted = measured_population(con, ACADEMIC_YEAR, before.census_date)
        upn = counted.filter(pl.col("status") == COUNTED)["upn"][0]
        when = before.census_date + timedelta(days=30)
        record_instruction(
            con,
            Instruction(upn, "research_opt_out", "parent", when, when, "LET-2025-11"),
        )
        after = classified_year(con, ACADEMIC_YEAR)
        statuses = measured_population(con, ACADEMIC_YEAR, after.census_date)
    assert after.excluded_by_opt_out == before.excluded_by_opt_out + 1
    assert after.measurements == before.measurements - 1
    assert statuses.filter(pl.col("upn") == upn)["status"].to_list() == [EXCLUDED]
    assert "upn" not in after.children.columns


def test_the_population_record_names_children_by_keyed_hash_with_their_status(
    store: Path,
) -> None:
    with open_store(store) as con:
        year = classified_year(con, ACADEMIC_YEAR)
        statuses = health_population_statuses(
            con, ACADEMIC_YEAR, year.census_date, year.reference_date
        )
        record = PopulationRecord(con, "ccg-health", statuses)
        record.prepare("ccg-health-test", store.parent / "ccg-health-test")
        record.confirm("ccg-health-test")
        counts = record.counts()
        rows = con.sql(
            "SELECT pupil_key, status FROM release_population WHERE release_id = 'ccg-health-test'"
        ).pl()
        held = con.execute(
            "SELECT count(DISTINCT upn) FROM quarantine WHERE load_id = ?",
            [classification_load_id(ACADEMIC_YEAR)],
        ).fetchall()[0][0]
        upns = set(con.sql("SELECT upn FROM ncmp").pl()["upn"].to_list())
    assert counts[COUNTED] == year.children.height
    assert counts.get(HELD_BACK, 0) == held == year.held_back
    assert counts.get(EXCLUDED, 0) == year.excluded_by_opt_out
    assert rows.height == sum(counts.values())
    assert not set(rows["pupil_key"].to_list()) & upns


def test_academic_years_are_checked() -> None:
    assert academic_year_bounds("2025/26") == (date(2025, 9, 1), date(2026, 8, 31))
    for bad in ("2025-26", "2025/27", "25/26", "2025/2026"):
        with pytest.raises(PupilstatsError, match="not of the form"):
            academic_year_bounds(bad)
