"""The synthetic borough's frames have exactly the schema's columns, types, codes and
ranges, valid distinct UPNs, dates of birth that fit the NC year, and consistent links."""

from __future__ import annotations

import re
from datetime import date

import polars as pl
import pytest
from synthetic_checks import all_problems, census_problems

from pipeline.synthetic import SyntheticBorough, generate_borough
from pipeline.synthetic.academic_calendar import add_years, age_on
from schema.inputs import INPUTS

CENSUS_DATE = date(2025, 10, 2)


@pytest.mark.parametrize("name", list(INPUTS))
def test_each_frame_has_the_schema_columns_in_order_and_types(
    clean_borough: SyntheticBorough, name: str
) -> None:
    frame = clean_borough.frames[name]
    assert frame.columns == list(INPUTS[name].column_names)
    assert dict(frame.schema) == INPUTS[name].polars_schema()
    assert frame.height > 0


def test_clean_borough_passes_every_schema_check(clean_borough: SyntheticBorough) -> None:
    assert all_problems(clean_borough.frames) == []


def test_checks_catch_a_bad_census_row(clean_borough: SyntheticBorough) -> None:
    census = clean_borough.census
    spoiled = census.with_columns(
        pl.when(pl.int_range(pl.len()) == 5).then(pl.lit("X")).otherwise("sex").alias("sex")
    )
    assert census_problems(spoiled) == ["census.sex: codes outside the set ['X']"]


def test_schools_lookup_looks_like_a_metropolitan_borough(clean_borough: SyntheticBorough) -> None:
    schools = clean_borough.schools
    phases = dict(schools["phase"].value_counts().iter_rows())
    assert phases == {"primary": 100, "secondary": 20, "special": 5}
    first_digit = {"primary": "2", "secondary": "4", "special": "7"}
    for laestab, urn, phase, ward in schools.select(
        "laestab", "urn", "phase", "ward_code"
    ).iter_rows():
        assert re.fullmatch(r"359\d{4}", laestab) and laestab[3] == first_digit[phase]
        assert re.fullmatch(r"\d{6}", urn)
        assert re.fullmatch(r"E05\d{6}", ward)
    assert schools["laestab"].is_unique().all() and schools["urn"].is_unique().all()
    assert schools["school_name"].is_unique().all()
    assert schools["laestab"].is_sorted()
    assert 20 <= schools["ward_code"].n_unique() <= 30


def test_census_geography_and_postcodes_are_fictional(clean_borough: SyntheticBorough) -> None:
    census = clean_borough.census
    assert census["postcode"].str.contains(r"^ZZ\d{1,2} \d[A-Z]{2}$").all()
    assert census["lsoa_code"].str.contains(r"^E01\d{6}$").all()
    wards = set(clean_borough.schools["ward_code"].to_list())
    assert set(census["ward_code"].to_list()) <= wards
    lsoas_per_ward = census.group_by("ward_code").agg(pl.col("lsoa_code").n_unique())
    assert lsoas_per_ward["lsoa_code"].min() >= 2
    assert (census["census_date"] == CENSUS_DATE).all()


def test_upn_structure_names_la_establishment_and_year(clean_borough: SyntheticBorough) -> None:
    census = clean_borough.census
    own_la = census.filter(pl.col("upn").str.slice(1, 3) == "359")
    assert own_la.height > 0.8 * census.height
    # the year of allocation is the year the pupil started Reception
    years = own_la.select(
        pl.col("upn").str.slice(8, 2).cast(pl.Int64).alias("allocated"),
        pl.col("nc_year").replace({"R": "0"}).cast(pl.Int64).alias("nc"),
    )
    assert (years["allocated"] == 25 - years["nc"]).all()
    assert own_la["upn"].str.slice(4, 1).eq("2").all()  # allocated by a primary (2xxx)


def test_dates_of_birth_fill_the_whole_year_group(clean_borough: SyntheticBorough) -> None:
    year6 = clean_borough.census.filter(pl.col("nc_year") == "6")["date_of_birth"]
    assert year6.min() >= date(2014, 9, 1) and year6.max() <= date(2015, 8, 31)
    assert year6.dt.month().n_unique() == 12


def test_results_cover_their_year_groups(clean_borough: SyntheticBorough) -> None:
    census = clean_borough.census.filter(pl.col("enrolment_status") != "S")
    for name, year in (("ks2", "6"), ("ks4", "11")):
        frame = clean_borough.frames[name]
        cohort = census.filter(pl.col("nc_year") == year)
        assert sorted(frame["upn"].to_list()) == sorted(cohort["upn"].to_list())
        assert (frame["academic_year"] == "2025/26").all()
    absence = clean_borough.absence
    assert sorted(absence.select("upn", "laestab").rows()) == sorted(
        clean_borough.census.select("upn", "laestab").rows()
    )
    ncmp = clean_borough.ncmp.join(census.select("upn", "nc_year"), on="upn")
    assert (ncmp["school_year"] == ncmp["nc_year"]).all()
    dates = clean_borough.ncmp["measurement_date"]
    assert dates.min() >= date(2025, 9, 1) and dates.max() <= date(2026, 8, 31)


def test_ks2_score_and_non_score_code_exclude_each_other(clean_borough: SyntheticBorough) -> None:
    ks2 = clean_borough.ks2
    for subject in ("reading", "maths"):
        score, code = ks2[f"{subject}_score"], ks2[f"{subject}_code"]
        assert (score.is_null() == code.is_not_null()).all()


def test_ks4_grades_fit_attainment8(clean_borough: SyntheticBorough) -> None:
    ks4 = clean_borough.ks4
    twice_english_and_maths = 2 * (ks4["english_grade"] + ks4["maths_grade"])
    assert (ks4["attainment8"] >= twice_english_and_maths).all()
    assert ((ks4["attainment8"] * 2) % 1 == 0).all()
    assert (ks4["attainment8"] <= 90).all()


def test_absence_never_exceeds_possible_sessions(clean_borough: SyntheticBorough) -> None:
    absence = clean_borough.absence
    total = absence["authorised_absence"] + absence["unauthorised_absence"]
    assert (total <= absence["possible_sessions"]).all()


def test_consent_register_dates_and_recorders_are_consistent(
    clean_borough: SyntheticBorough,
) -> None:
    consent = clean_borough.consent.join(
        clean_borough.census.filter(pl.col("enrolment_status") != "S").select(
            "upn", "date_of_birth"
        ),
        on="upn",
    )
    assert consent.height == clean_borough.consent.height
    assert (consent["effective_from"] >= consent["recorded_on"]).all()
    withdrawn = consent.filter(pl.col("withdrawn_on").is_not_null())
    assert (withdrawn["withdrawn_on"] > withdrawn["effective_from"]).all()
    dob = consent["date_of_birth"].to_numpy().astype("datetime64[D]")
    recorded = consent["recorded_on"].to_numpy().astype("datetime64[D]")
    sixteen = add_years(dob, 16)
    young = (consent["recorded_by"] == "young_person").to_numpy()
    assert (young == (recorded >= sixteen)).all()
    restrictions = consent.filter(pl.col("consent_type") == "parental_restriction")
    ages = age_on(restrictions["date_of_birth"].to_numpy().astype("datetime64[D]"), CENSUS_DATE)
    assert ages.min() >= 13
    refs = clean_borough.consent["source_ref"]
    assert refs.to_list() == [f"CR-{i:06d}" for i in range(1, refs.len() + 1)]
    assert clean_borough.consent["recorded_on"].is_sorted()


def test_other_la_and_census_date_arguments_are_honoured() -> None:
    borough = generate_borough(pupils=600, seed=1, la_number=350, census_date=date(2026, 1, 15))
    assert borough.schools["laestab"].str.starts_with("350").all()
    assert (borough.census["census_date"] == date(2026, 1, 15)).all()
    assert (borough.ks2["academic_year"] == "2025/26").all()
    assert all_problems(borough.frames) == []


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"pupils": 100}, "at least 500 pupils"),
        ({"la_number": 999}, "LA number 999"),
        ({"defects": 0.5}, "defects must be"),
        ({"defects": -0.01}, "defects must be"),
    ],
)
def test_bad_arguments_are_refused(arguments: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        generate_borough(**{"pupils": 600, **arguments})
