"""A full-size borough (48,000 pupils) has the headline rates of an English metropolitan
borough, small cells in school-level tables, and is generated in seconds."""

from __future__ import annotations

import time
from datetime import date
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from synthetic_checks import all_problems

from pipeline.synthetic import SyntheticBorough, generate_borough, write_borough
from pipeline.synthetic.bmi_reference import bmi_z
from schema import codes

PUPILS = 48_000
OBESE_Z = 1.6449  # 95th centile
UNDERWEIGHT_Z = -2.0537  # 2nd centile


@pytest.fixture(scope="module")
def timed_borough() -> tuple[SyntheticBorough, float]:
    start = time.perf_counter()
    borough = generate_borough(pupils=PUPILS, seed=7)
    return borough, time.perf_counter() - start


@pytest.fixture(scope="module")
def borough(timed_borough: tuple[SyntheticBorough, float]) -> SyntheticBorough:
    return timed_borough[0]


@pytest.fixture(scope="module")
def pupils(borough: SyntheticBorough) -> pl.DataFrame:
    """One census row per pupil (the main or single registration)."""
    return borough.census.filter(pl.col("enrolment_status") != "S")


def share(frame: pl.DataFrame, condition: pl.Expr) -> float:
    return frame.select(condition.fill_null(False).mean()).item()


def test_full_size_borough_is_quick_and_clean(
    timed_borough: tuple[SyntheticBorough, float], tmp_path: Path
) -> None:
    borough, seconds = timed_borough
    assert seconds < 10
    start = time.perf_counter()
    write_borough(borough, tmp_path, "csv")
    assert time.perf_counter() - start < 10
    assert abs(borough.census.height - PUPILS) <= 0.01 * PUPILS
    assert all_problems(borough.frames) == []


def test_school_sizes(borough: SyntheticBorough) -> None:
    rolls = borough.schools.join(
        borough.census.filter(pl.col("enrolment_status") != "S").group_by("laestab").len(),
        on="laestab",
    )
    by_phase = {p: rolls.filter(pl.col("phase") == p)["len"] for p in codes.PHASES}
    assert by_phase["primary"].min() >= 25 and by_phase["primary"].max() <= 680
    assert (by_phase["primary"] < 60).sum() >= 3
    assert by_phase["secondary"].min() >= 550 and by_phase["secondary"].max() <= 1_750
    assert by_phase["special"].min() >= 40 and by_phase["special"].max() <= 200
    secondary = borough.census.join(borough.schools, on="laestab").filter(
        pl.col("phase") == "secondary"
    )
    sixth_forms = secondary.filter(pl.col("nc_year").is_in(["12", "13"]))["laestab"].n_unique()
    assert sixth_forms == 10


def test_headline_rates(pupils: pl.DataFrame, borough: SyntheticBorough) -> None:
    assert 0.22 <= share(pupils, pl.col("fsm_eligible")) <= 0.28
    assert 0.27 <= share(pupils, pl.col("fsm6")) <= 0.36
    assert 0.115 <= share(pupils, pl.col("sen_provision") == "K") <= 0.145
    assert 0.020 <= share(pupils, pl.col("sen_provision") == "E") <= 0.030
    assert 0.10 <= share(pupils, pl.col("first_language").is_in(list(codes.EAL_CODES))) <= 0.20
    assert 0.0015 <= share(pupils, pl.col("enrolment_status") == "M") <= 0.005
    opt_outs = borough.consent.filter(pl.col("consent_type") == "research_opt_out")
    assert opt_outs["upn"].is_unique().all()
    assert 0.015 <= opt_outs.height / pupils.height <= 0.025
    census_date = borough.census_date
    future = opt_outs.filter(pl.col("effective_from") > census_date).height
    withdrawn = opt_outs.filter(pl.col("withdrawn_on") <= census_date).height
    assert 0.03 * opt_outs.height <= future <= 0.12 * opt_outs.height
    assert 0.03 * opt_outs.height <= withdrawn <= 0.13 * opt_outs.height
    recorders = set(borough.consent["recorded_by"].to_list())
    assert recorders == set(codes.RECORDED_BY)


def test_special_schools_are_mostly_ehc_plans(borough: SyntheticBorough) -> None:
    special = borough.census.join(borough.schools, on="laestab").filter(
        (pl.col("phase") == "special") & (pl.col("enrolment_status") != "S")
    )
    assert share(special, pl.col("sen_provision") == "E") >= 0.85
    assert set(special["nc_year"].to_list()) == set(codes.NC_YEARS)


def test_every_idaci_band_occurs_and_tracks_fsm(pupils: pl.DataFrame) -> None:
    bands = pupils.with_columns(
        pl.col("idaci_score").map_elements(codes.idaci_band, return_dtype=pl.Utf8).alias("band")
    )
    by_band = bands.group_by("band").agg(pl.len(), pl.col("fsm_eligible").mean()).sort("band")
    assert by_band["band"].to_list() == [b for b, _, _ in codes.IDACI_BANDS]
    assert by_band["len"].min() >= 500
    assert by_band.filter(pl.col("band") == "A")["fsm_eligible"].item() > 2 * (
        by_band.filter(pl.col("band") == "G")["fsm_eligible"].item()
    )


def test_mix_varies_by_ward(pupils: pl.DataFrame) -> None:
    wards = pupils.group_by("ward_code").agg(
        pl.col("first_language").is_in(list(codes.EAL_CODES)).mean().alias("eal"),
        pl.col("fsm_eligible").mean().alias("fsm"),
        (pl.col("ethnicity") == "WBRI").mean().alias("white_british"),
    )
    assert wards["eal"].max() - wards["eal"].min() >= 0.1
    assert wards["fsm"].max() >= 2 * wards["fsm"].min()
    assert wards["white_british"].max() - wards["white_british"].min() >= 0.15
    assert set(pupils["ethnicity"].to_list()) == set(codes.ETHNICITY)


def test_small_cells_occur_in_school_tables(pupils: pl.DataFrame) -> None:
    ehc = pupils.filter(pl.col("sen_provision") == "E").group_by("laestab").len()["len"]
    assert (ehc == 1).sum() >= 3 and (ehc == 2).sum() >= 3
    rare = pupils.filter(pl.col("ethnicity") == "WIRT").group_by("laestab").len()["len"]
    assert (rare <= 2).sum() >= 10


def test_ks2_results(borough: SyntheticBorough, pupils: pl.DataFrame) -> None:
    ks2 = borough.ks2.join(pupils.select("upn", "fsm_eligible", "sen_provision"), on="upn")
    reading = ks2["reading_score"].drop_nulls()
    assert 103 <= reading.mean() <= 107 and 5.5 <= reading.std() <= 8.5
    assert reading.min() >= 80 and reading.max() == 120
    rwm = (
        (pl.col("reading_score") >= 100)
        & (pl.col("maths_score") >= 100)
        & pl.col("writing_ta").is_in(["EXS", "GDS"])
    )
    assert 0.54 <= share(ks2, rwm) <= 0.68
    fsm, others = ks2.filter("fsm_eligible"), ks2.filter(~pl.col("fsm_eligible"))
    assert share(fsm, rwm) < share(others, rwm) - 0.1
    assert share(ks2.filter(pl.col("sen_provision") != "N"), rwm) < share(ks2, rwm) - 0.2
    assert {"A", "B"} <= set(ks2["reading_code"].drop_nulls().to_list())


def test_ks4_results(borough: SyntheticBorough) -> None:
    ks4 = borough.ks4
    assert 42 <= ks4["attainment8"].mean() <= 50
    assert ks4["attainment8"].min() >= 0 and ks4["attainment8"].max() <= 90
    progress = ks4["progress8"].drop_nulls()
    assert abs(progress.mean()) <= 0.1 and 1.0 <= progress.std() <= 1.4
    assert 0.01 * ks4.height <= ks4["progress8"].null_count() <= 0.1 * ks4.height
    correlation = np.corrcoef(ks4["attainment8"], ks4["english_grade"] + ks4["maths_grade"])
    assert correlation[0, 1] > 0.85


def test_absence(borough: SyntheticBorough, pupils: pl.DataFrame) -> None:
    absence = borough.absence.join(pupils.select("upn", "fsm_eligible"), on="upn")
    full_year = absence.filter(pl.col("possible_sessions") >= 300)
    assert full_year.height >= 0.9 * absence.height
    assert full_year["possible_sessions"].max() <= 330
    missed = pl.col("authorised_absence") + pl.col("unauthorised_absence")
    overall = absence.select(missed.sum() / pl.col("possible_sessions").sum()).item()
    assert 0.06 <= overall <= 0.08
    persistent = missed / pl.col("possible_sessions") >= 0.1
    assert 0.16 <= share(absence, persistent) <= 0.24
    assert share(absence.filter("fsm_eligible"), persistent) > 1.5 * share(
        absence.filter(~pl.col("fsm_eligible")), persistent
    )


def test_child_measurements(borough: SyntheticBorough, pupils: pl.DataFrame) -> None:
    ncmp = borough.ncmp.join(pupils.select("upn", "date_of_birth", "sex"), on="upn")
    age = (ncmp["measurement_date"] - ncmp["date_of_birth"]).dt.total_days().to_numpy() / 365.25
    bmi = (ncmp["weight_kg"] / (ncmp["height_cm"] / 100) ** 2).to_numpy()
    z = bmi_z(bmi, age, (ncmp["sex"] == "M").to_numpy())
    year = ncmp["school_year"].to_numpy()
    for school_year, low, high in (("R", 0.08, 0.12), ("6", 0.19, 0.25)):
        cohort = pupils.filter(pl.col("nc_year") == school_year).height
        measured = year == school_year
        assert 0.92 <= measured.sum() / cohort <= 0.97
        assert low <= (z[measured] >= OBESE_Z).mean() <= high
        assert 0.005 <= (z[measured] <= UNDERWEIGHT_Z).mean() <= 0.04
        ages = age[measured]
        assert ages.min() >= (4 if school_year == "R" else 10) and ages.max() < (
            6 if school_year == "R" else 12
        )
    reception = ncmp.filter(pl.col("school_year") == "R")
    assert 100 <= reception["height_cm"].mean() <= 115 and 16 <= reception["weight_kg"].mean() <= 22
    assert ncmp["measurement_date"].min() >= date(2025, 11, 1)
