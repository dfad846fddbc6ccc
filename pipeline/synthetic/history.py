"""Earlier years of the synthetic borough, for three-year trends of school performance.

``generate_borough`` draws one October census and the results and absence of that academic
year. Trend statistics need the years before it too. ``generate_history`` returns the
borough of ``census_date`` (exactly ``generate_borough``'s) preceded by the boroughs of the
censuses one, two, ... years earlier (the first Thursday of October of each year), each with
its census, consent register, KS2, KS4 and absence (labelled with its own academic year).

Every year has the same geography and schools (drawn from the same seed), so a school's
figures can be followed over the years; its pupils are drawn afresh each year from a stream
of their own (``numpy`` seed sequence ``[seed, years_back]``), so earlier years are not the
same children a year younger. That is enough for school-level and LA-level trends; it does
not model pupils moving through the year groups. Earlier years carry no injected defects.
No row describes a real person.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Literal

import numpy as np
import polars as pl

from pipeline.synthetic.absence import absence_frame
from pipeline.synthetic.academic_calendar import academic_year_label
from pipeline.synthetic.borough import STREAMS, SyntheticBorough, generate_borough
from pipeline.synthetic.census import census_frame, registrations, schools_frame
from pipeline.synthetic.characteristics import DUAL_REGISTRATION_RATE
from pipeline.synthetic.consent_register import consent_frame
from pipeline.synthetic.geography import make_geography
from pipeline.synthetic.key_stage_results import ks2_frame, ks4_frame
from pipeline.synthetic.ncmp import ncmp_frame
from pipeline.synthetic.pupils import make_register
from pipeline.synthetic.schools import make_schools
from pipeline.synthetic.writer import write_borough

THURSDAY = 3


def first_thursday_of_october(year: int) -> date:
    """The autumn census date of ``year``: the first Thursday of October."""
    first = date(year, 10, 1)
    return first + timedelta(days=(THURSDAY - first.weekday()) % 7)


def earlier_census_date(census_date: date, years_back: int) -> date:
    """The autumn census ``years_back`` years before ``census_date``."""
    return first_thursday_of_october(census_date.year - years_back)


def _earlier_year(
    pupils: int, seed: int, la_number: int, census_date: date, years_back: int
) -> SyntheticBorough:
    """The borough ``years_back`` years before ``census_date``: the same schools as
    ``generate_borough(pupils, seed, la_number, census_date)``, new pupils and results."""
    fixed = dict(zip(STREAMS, np.random.default_rng(seed).spawn(len(STREAMS)), strict=True))
    fresh = dict(
        zip(STREAMS, np.random.default_rng([seed, years_back]).spawn(len(STREAMS)), strict=True)
    )
    when = earlier_census_date(census_date, years_back)
    academic_year = academic_year_label(when)
    geography = make_geography(fixed["geography"])
    on_roll = pupils - round(pupils * DUAL_REGISTRATION_RATE)
    schools = make_schools(fixed["schools"], geography, la_number, on_roll)
    register = make_register(fresh["pupils"], geography, schools, when, la_number)
    rows = registrations(register, schools)
    pupils_once = rows.filter(pl.col("enrolment_status") != "S").sort("upn")
    return SyntheticBorough(
        schools=schools_frame(schools, geography),
        census=census_frame(rows, when),
        ks2=ks2_frame(fresh["ks2"], rows, academic_year),
        ks4=ks4_frame(fresh["ks4"], rows, academic_year),
        absence=absence_frame(fresh["absence"], rows, academic_year),
        ncmp=ncmp_frame(fresh["ncmp"], rows, academic_year, when),
        consent=consent_frame(fresh["consent"], pupils_once, when),
        seed=seed,
        census_date=when,
    )


def generate_history(
    pupils: int = 48_000,
    seed: int = 7,
    la_number: int = 359,
    census_date: date = date(2025, 10, 2),
    years: int = 3,
    defects: float = 0.0,
) -> list[SyntheticBorough]:
    """``years`` boroughs, oldest first; the last is ``generate_borough`` of ``census_date``
    (with ``defects``), the others the same schools one, two, ... years earlier."""
    if years < 1:
        raise ValueError(f"years must be at least 1, not {years}")
    earlier = [
        _earlier_year(pupils, seed, la_number, census_date, back)
        for back in range(years - 1, 0, -1)
    ]
    latest = generate_borough(
        pupils=pupils, seed=seed, la_number=la_number, census_date=census_date, defects=defects
    )
    return [*earlier, latest]


def year_folder_name(borough: SyntheticBorough) -> str:
    """The folder of one year's files, e.g. ``2024-25`` for the October 2024 census."""
    return academic_year_label(borough.census_date).replace("/", "-")


def write_history(
    boroughs: list[SyntheticBorough], out_dir: Path, fmt: Literal["csv", "parquet"] = "csv"
) -> list[Path]:
    """Write each year's files to ``out_dir/<yyyy-yy>/`` (see ``write_borough``); return the
    folders, oldest first, in the order they must be loaded."""
    folders = []
    for borough in boroughs:
        folder = Path(out_dir) / year_folder_name(borough)
        write_borough(borough, folder, fmt=fmt)
        folders.append(folder)
    return folders
