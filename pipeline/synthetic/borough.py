"""Generating a whole synthetic borough: every input file of one census, in memory.

``generate_borough`` draws an English metropolitan borough (LA 359 by default, about 125
schools, the October 2025 census) of invented pupils and their results, absence, child
measurements and consent register. Every random draw comes from
``numpy.random.default_rng(seed)`` (one spawned stream per part), frames are built in a
fixed order and sorted on unique keys, so the same arguments give the same frames and the
same files byte for byte. No row describes a real person.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import numpy as np
import polars as pl

from pipeline.synthetic import defects as bad
from pipeline.synthetic.absence import absence_frame
from pipeline.synthetic.academic_calendar import academic_year_label, august_31_before
from pipeline.synthetic.census import census_frame, registrations, schools_frame
from pipeline.synthetic.characteristics import DUAL_REGISTRATION_RATE
from pipeline.synthetic.consent_register import consent_frame
from pipeline.synthetic.defects import Defect
from pipeline.synthetic.geography import make_geography
from pipeline.synthetic.key_stage_results import ks2_frame, ks4_frame
from pipeline.synthetic.ncmp import ncmp_frame
from pipeline.synthetic.pupils import make_register
from pipeline.synthetic.schools import make_schools
from pipeline.synthetic.text import as_text
from pipeline.synthetic.upn import NEIGHBOURING_LAS, build_upns, known_la
from schema.inputs import INPUTS

MIN_PUPILS = 500
MAX_DEFECT_SHARE = 0.2
STREAMS = (
    "geography",
    "schools",
    "pupils",
    "ks2",
    "ks4",
    "absence",
    "ncmp",
    "consent",
    "defects",
)


@dataclass(frozen=True)
class SyntheticBorough:
    """One typed frame per input (columns and dtypes of ``schema.inputs``) and the
    defects injected into them.

    A defect's cell holds its typed value in the frame (``None`` when its text, such as
    ``2025-02-30``, cannot be typed); ``text_frame`` gives the text written to the file.
    """

    schools: pl.DataFrame
    census: pl.DataFrame
    ks2: pl.DataFrame
    ks4: pl.DataFrame
    absence: pl.DataFrame
    ncmp: pl.DataFrame
    consent: pl.DataFrame
    defects: list[Defect] = field(default_factory=list)
    seed: int = 0
    census_date: date = date(2025, 10, 2)

    @property
    def frames(self) -> dict[str, pl.DataFrame]:
        """The typed frames by input name, in ``schema.INPUTS`` order."""
        return {name: getattr(self, name) for name in INPUTS}

    def defects_in(self, name: str) -> list[Defect]:
        return [d for d in self.defects if d.file == name]

    def text_frame(self, name: str) -> pl.DataFrame:
        """The input ``name`` as the all-text frame written to its file (blank = null)."""
        return bad.apply_text(as_text(self.frames[name]), self.defects_in(name))

    def clean_rows(self, name: str) -> pl.DataFrame:
        """The rows of input ``name`` that hold no defect, in file order."""
        frame = self.frames[name].with_row_index("_row")
        rows = {d.row for d in self.defects_in(name)}
        return frame.filter(~pl.col("_row").is_in(sorted(rows))).drop("_row")


def _streams(seed: int) -> dict[str, np.random.Generator]:
    return dict(zip(STREAMS, np.random.default_rng(seed).spawn(len(STREAMS)), strict=True))


def _stranger_upns(
    rng: np.random.Generator, census_upns: set[str], la_number: int, count: int, year: int
) -> list[str]:
    """``count`` valid UPNs of pupils who are not on the census (from other LAs)."""
    others = np.array([la for la in NEIGHBOURING_LAS if la != la_number], dtype=np.int64)
    found: list[str] = []
    while len(found) < count:
        draws = 2 * count
        candidates = build_upns(
            rng,
            others[rng.integers(0, others.size, draws)],
            rng.integers(2000, 3000, draws),
            np.full(draws, year % 100),
        )
        found += [u for u in candidates if u not in census_upns and u not in found]
    return found[:count]


def check_borough_arguments(pupils: int, la_number: int, defects: float) -> None:
    """A ``ValueError`` saying what is wrong with a borough's size, LA number or defect
    share (before anything is generated)."""
    if pupils < MIN_PUPILS:
        raise ValueError(f"a synthetic borough needs at least {MIN_PUPILS} pupils, not {pupils}")
    if not known_la(la_number):
        raise ValueError(f"LA number {la_number} is not one python-stdnum knows for UPNs")
    if not 0.0 <= defects <= MAX_DEFECT_SHARE:
        raise ValueError(f"defects must be a share between 0 and {MAX_DEFECT_SHARE}, not {defects}")


def generate_borough(
    pupils: int = 48_000,
    seed: int = 7,
    la_number: int = 359,
    census_date: date = date(2025, 10, 2),
    defects: float = 0.0,
) -> SyntheticBorough:
    """Draw a synthetic borough whose census has about ``pupils`` rows.

    ``defects`` is the share of census rows made bad (e.g. 0.01); a few rows of the other
    files (not the schools lookup) are spoiled too. Every defect is listed in
    ``SyntheticBorough.defects``.
    """
    check_borough_arguments(pupils, la_number, defects)
    rng = _streams(seed)
    academic_year = academic_year_label(census_date)
    geography = make_geography(rng["geography"])
    on_roll = pupils - round(pupils * DUAL_REGISTRATION_RATE)
    schools = make_schools(rng["schools"], geography, la_number, on_roll)
    register = make_register(rng["pupils"], geography, schools, census_date, la_number)
    rows = registrations(register, schools)

    census_defects = bad.census_defects(rng["defects"], rows, round(defects * rows.height))
    defect_upns = sorted({rows["upn"][d.row] for d in census_defects})
    clean = rows.filter(~pl.col("upn").is_in(defect_upns))
    pupils_once = clean.filter(pl.col("enrolment_status") != "S").sort("upn")
    frames = {
        "schools": schools_frame(schools, geography),
        "census": census_frame(rows, census_date),
        "ks2": ks2_frame(rng["ks2"], clean, academic_year),
        "ks4": ks4_frame(rng["ks4"], clean, academic_year),
        "absence": absence_frame(rng["absence"], clean, academic_year),
        "ncmp": ncmp_frame(rng["ncmp"], clean, academic_year, census_date),
        "consent": consent_frame(rng["consent"], pupils_once, census_date),
    }
    injected = list(census_defects)
    spoilers = {
        "ks2": bad.ks2_defects,
        "ks4": bad.ks4_defects,
        "absence": bad.absence_defects,
        "ncmp": bad.ncmp_defects,
    }
    for name, spoil in spoilers.items():
        count = bad.other_file_defect_count(frames[name].height, defects)
        injected += spoil(rng["defects"], frames[name], count)
    consent_count = bad.other_file_defect_count(frames["consent"].height, defects)
    strangers = _stranger_upns(
        rng["defects"],
        set(rows["upn"].to_list()),
        la_number,
        consent_count,
        august_31_before(census_date).year,
    )
    injected += bad.consent_defects(rng["defects"], frames["consent"], consent_count, strangers)
    for name in frames:
        frames[name] = bad.apply_typed(frames[name], [d for d in injected if d.file == name])
    return SyntheticBorough(**frames, defects=injected, seed=seed, census_date=census_date)
