"""Independent checks of synthetic input frames against ``schema.inputs``.

Each function returns a list of problems (empty when the frame passes), so a test can
show every problem at once and run the same checks on a clean borough and on the clean
rows of a borough with defects.
"""

from __future__ import annotations

from datetime import date

import polars as pl
from stdnum.gb import upn as stdnum_upn

from schema import codes
from schema.inputs import INPUTS

NC_INDEX = {year: i for i, year in enumerate(codes.NC_YEARS)}


def column_problems(name: str, frame: pl.DataFrame) -> list[str]:
    """Required values present, codes in their sets, numbers in their ranges."""
    schema = INPUTS[name]
    problems = []
    for column in schema.columns:
        values = frame[column.name]
        if column.required and values.null_count():
            problems.append(f"{name}.{column.name}: {values.null_count()} blank required values")
        if column.codes is not None:
            bad = sorted(set(values.drop_nulls().to_list()) - set(column.codes))
            if bad:
                problems.append(f"{name}.{column.name}: codes outside the set {bad[:5]}")
        if column.minimum is not None and (values.drop_nulls() < column.minimum).any():
            problems.append(f"{name}.{column.name}: values below {column.minimum}")
        if column.maximum is not None and (values.drop_nulls() > column.maximum).any():
            problems.append(f"{name}.{column.name}: values above {column.maximum}")
    return problems


def age_on_august_31(dob: date, census_date: date) -> int:
    start = census_date.year if census_date.month >= 9 else census_date.year - 1
    return start - dob.year - ((dob.month, dob.day) > (8, 31))


def census_problems(census: pl.DataFrame) -> list[str]:
    """Valid distinct UPNs, DOB consistent with NC year, consistent dual registrations."""
    problems = column_problems("census", census)
    invalid = [u for u in census["upn"].to_list() if not stdnum_upn.is_valid(u) or u != u.upper()]
    if invalid:
        problems.append(f"census: invalid UPNs {invalid[:5]}")
    main = census.filter(pl.col("enrolment_status") != "S")
    if main["upn"].n_unique() != main.height:
        problems.append("census: a UPN has more than one single or main registration")
    if census.select("upn", "laestab").n_unique() != census.height:
        problems.append("census: a UPN is registered twice at one school")
    subsidiary = census.filter(pl.col("enrolment_status") == "S")
    dual_main = main.filter(pl.col("enrolment_status") == "M")
    if sorted(subsidiary["upn"].to_list()) != sorted(dual_main["upn"].to_list()):
        problems.append("census: S and M registrations do not pair up")
    wrong_age = [
        (upn, dob, year)
        for upn, dob, year, when in census.select(
            "upn", "date_of_birth", "nc_year", "census_date"
        ).iter_rows()
        if dob is not None
        and year in NC_INDEX
        and age_on_august_31(dob, when) != NC_INDEX[year] + 4
    ]
    if wrong_age:
        problems.append(f"census: DOB inconsistent with NC year {wrong_age[:3]}")
    not_fsm6 = census.filter(pl.col("fsm_eligible") & ~pl.col("fsm6")).height
    if not_fsm6:
        problems.append(f"census: {not_fsm6} FSM pupils not Ever-6 FSM")
    return problems


def reference_problems(frames: dict[str, pl.DataFrame]) -> list[str]:
    """Every result, absence, measurement and consent row names a pupil on the census."""
    census = frames["census"]
    on_census = set(census["upn"].to_list())
    problems = []
    for name in ("ks2", "ks4", "absence", "ncmp", "consent"):
        strangers = set(frames[name]["upn"].to_list()) - on_census
        if strangers:
            problems.append(f"{name}: {len(strangers)} UPNs not on the census")
    registrations = set(census.select("upn", "laestab").iter_rows())
    for name in ("ks2", "ks4", "absence", "ncmp"):
        unmatched = set(frames[name].select("upn", "laestab").iter_rows()) - registrations
        if unmatched:
            problems.append(f"{name}: {len(unmatched)} rows at a school the pupil is not on")
        key = INPUTS[name].key
        if frames[name].select(key).n_unique() != frames[name].height:
            problems.append(f"{name}: duplicated key {key}")
    schools = set(frames["schools"].select("laestab", "urn").iter_rows())
    if set(census.select("laestab", "urn").iter_rows()) - schools:
        problems.append("census: LAESTAB/URN pairs not in the schools lookup")
    return problems


def all_problems(frames: dict[str, pl.DataFrame]) -> list[str]:
    problems = census_problems(frames["census"]) + reference_problems(frames)
    for name, frame in frames.items():
        if name != "census":
            problems += column_problems(name, frame)
    return problems
