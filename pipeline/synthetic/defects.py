"""Realistic bad rows injected into the synthetic files, each one recorded.

A defect is one cell written with bad text: a UPN with the wrong check letter, an
impossible date, a code outside its DfE code set, a blank required field, a number out of
range, and so on. Its ``kind`` is the reason code the loader gives such a row (the
expectation suites' codes in ``expectations.reasons`` and the parser's ``not_a_date`` /
``not_a_boolean`` / ``not_a_whole_number``), so a test can compare the quarantine with
the defects.

Census defects are the rows of pupils set aside for them: those pupils get no results,
absence, measurement or consent rows, so a quarantined census row never leaves another
file's row without its pupil (a duplicated UPN sets aside both pupils whose rows share
it). In the other files a few clean rows are spoiled in place.

Each defect keeps the text written to the file and the value the typed frame holds
(``None`` when the text cannot be typed, such as ``2025-02-30``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
import polars as pl

from pipeline.synthetic.academic_calendar import add_years
from pipeline.synthetic.upn import wrong_check_letter

MISSING_REQUIRED = "missing_required"
CODE_NOT_IN_SET = "code_not_in_set"
OUT_OF_RANGE = "out_of_range"
UPN_MALFORMED = "upn_malformed"
UPN_CHECK_LETTER = "upn_check_letter"
DUPLICATE_UPN = "duplicate_upn"
DOB_NC_YEAR_MISMATCH = "dob_nc_year_mismatch"
ABSENCE_EXCEEDS_POSSIBLE = "absence_exceeds_possible"
UNKNOWN_PUPIL = "unknown_pupil"
NOT_A_DATE = "not_a_date"
NOT_A_BOOLEAN = "not_a_boolean"
NOT_A_WHOLE_NUMBER = "not_a_whole_number"

CENSUS_KINDS: tuple[str, ...] = (
    UPN_CHECK_LETTER,
    UPN_MALFORMED,
    NOT_A_DATE,
    DOB_NC_YEAR_MISMATCH,
    CODE_NOT_IN_SET,
    DUPLICATE_UPN,
    MISSING_REQUIRED,
    NOT_A_BOOLEAN,
    OUT_OF_RANGE,
)
"""Kinds of census defect, used in turn (in a shuffled order)."""

UNKNOWN_CODES: tuple[tuple[str, str], ...] = (
    ("sex", "X"),
    ("ethnicity", "ZZZZ"),
    ("sen_provision", "Q"),
    ("first_language", "ENGL"),
    ("enrolment_status", "D"),
)
BLANKABLE: tuple[str, ...] = (
    "upn",
    "legal_surname",
    "forename",
    "date_of_birth",
    "sex",
    "postcode",
    "ethnicity",
    "sen_provision",
    "fsm_eligible",
)
OTHER_FILE_DEFECTS_CAP = 20


@dataclass(frozen=True)
class Defect:
    """One bad cell: in which input, at which row, of which kind, and what was written."""

    file: str
    """Input name (``census``, ``ks2``, ...)."""
    row: int
    """0-based position of the row in the input's frame."""
    upn: str | None
    """The UPN written on the row (the bad one for a UPN defect; None when blank)."""
    kind: str
    column: str
    text: str
    """The text written to the file ("" for a blank)."""
    typed: Any = None
    """The value the typed frame holds (None when the text is blank or cannot be typed)."""
    detail: str = ""

    @property
    def line(self) -> int:
        """Line of the row in the written CSV: the header is line 1."""
        return self.row + 2


def other_file_defect_count(rows: int, share: float) -> int:
    """How many rows of a non-census file to spoil: a few, never more than 20."""
    if share <= 0 or rows == 0:
        return 0
    return max(1, min(OTHER_FILE_DEFECTS_CAP, round(share * rows / 10), rows))


def _bad_date_text(rng: np.random.Generator, year: int, month: int, day: int) -> str:
    style = int(rng.integers(0, 4))
    if style == 0:
        return f"{year}-02-30"
    if style == 1:
        return f"{year}-{int(rng.choice([4, 6, 9, 11])):02d}-31"
    if style == 2:
        return f"{year}-13-{day:02d}"
    return f"{day:02d}/{month:02d}/{year}"


def _malformed_upn(rng: np.random.Generator, upn: str) -> str:
    style = int(rng.integers(0, 3))
    if style == 0:
        return upn[:-1]  # 12 characters
    if style == 1:
        return upn[:5] + "O" + upn[6:]  # a letter O among the digits
    return upn.lower()


def _census_kind_plan(rng: np.random.Generator, count: int) -> list[str]:
    """``count`` kinds taken in turn from ``CENSUS_KINDS`` (from a random start); a
    duplicated UPN takes two rows, so it appears as two consecutive entries."""
    plan: list[str] = []
    turn = int(rng.integers(0, len(CENSUS_KINDS)))
    while len(plan) < count:
        kind = CENSUS_KINDS[turn % len(CENSUS_KINDS)]
        turn += 1
        if kind != DUPLICATE_UPN:
            plan.append(kind)
        elif count - len(plan) >= 2:
            plan += [DUPLICATE_UPN, DUPLICATE_UPN]
    return plan


def census_defects(rng: np.random.Generator, rows: pl.DataFrame, count: int) -> list[Defect]:
    """Choose ``count`` single-registration rows of ``rows`` (the census's rows, in file
    order) and spoil one cell of each. Returns the defects in row order.

    A duplicated UPN spoils two rows at two different schools: the row that copies
    another pupil's UPN and that pupil's own row. Both are recorded, because a loader
    cannot tell which of the two is right and quarantines both.
    """
    single = np.flatnonzero(rows["enrolment_status"].to_numpy() == "C")
    if count > single.size // 2:
        raise ValueError(f"cannot make {count} of {rows.height} census rows bad")
    remaining = rng.permutation(single).tolist()
    upn = rows["upn"].to_list()
    laestab = rows["laestab"].to_list()
    dob = rows["date_of_birth"].to_list()
    plan = _census_kind_plan(rng, count)
    defects: list[Defect] = []
    while len(defects) < len(plan):
        kind = plan[len(defects)]
        row = remaining.pop()
        if kind != DUPLICATE_UPN:
            defects.append(_census_defect(rng, kind, row, upn[row], dob[row]))
            continue
        at = next(
            i for i in range(len(remaining) - 1, -1, -1) if laestab[remaining[i]] != laestab[row]
        )
        pupil = remaining.pop(at)
        copied = upn[pupil]
        defects += [
            Defect(
                "census",
                row,
                copied,
                kind,
                "upn",
                copied,
                copied,
                detail=f"copies the UPN of line {pupil + 2}",
            ),
            Defect(
                "census",
                pupil,
                copied,
                kind,
                "upn",
                copied,
                copied,
                detail=f"its UPN is copied on line {row + 2}",
            ),
        ]
    return sorted(defects, key=lambda d: d.row)


def _census_defect(rng: np.random.Generator, kind: str, row: int, own: str, dob: date) -> Defect:
    if kind == UPN_CHECK_LETTER:
        bad = wrong_check_letter(own, int(rng.integers(1, 23)))
        return Defect("census", row, bad, kind, "upn", bad, bad)
    if kind == UPN_MALFORMED:
        bad = _malformed_upn(rng, own)
        return Defect("census", row, bad, kind, "upn", bad, bad)
    if kind == NOT_A_DATE:
        text = _bad_date_text(rng, dob.year, dob.month, dob.day)
        return Defect("census", row, own, kind, "date_of_birth", text, None)
    if kind == DOB_NC_YEAR_MISMATCH:
        years = int(rng.choice([-2, -1, 1, 2]))
        moved = add_years(np.array([np.datetime64(dob, "D")]), years)[0].astype(date)
        return Defect("census", row, own, kind, "date_of_birth", moved.isoformat(), moved)
    if kind == CODE_NOT_IN_SET:
        column, text = UNKNOWN_CODES[int(rng.integers(0, len(UNKNOWN_CODES)))]
        return Defect("census", row, own, kind, column, text, text)
    if kind == MISSING_REQUIRED:
        column = BLANKABLE[int(rng.integers(0, len(BLANKABLE)))]
        return Defect("census", row, None if column == "upn" else own, kind, column, "", None)
    if kind == NOT_A_BOOLEAN:
        column, text = (("fsm_eligible", "U"), ("fsm6", "2"))[int(rng.integers(0, 2))]
        return Defect("census", row, own, kind, column, text, None)
    if kind == OUT_OF_RANGE:
        value = float(rng.choice([1.25, 1.5, -0.1]))
        return Defect("census", row, own, kind, "idaci_score", str(value), value)
    raise ValueError(f"unknown census defect kind {kind!r}")


def _pick(rng: np.random.Generator, candidates: np.ndarray, count: int) -> list[int]:
    count = min(count, candidates.size)
    return sorted(int(i) for i in rng.choice(candidates, size=count, replace=False))


def ks2_defects(rng: np.random.Generator, frame: pl.DataFrame, count: int) -> list[Defect]:
    """Scores out of range (80-120) and writing codes outside the set."""
    scored = np.flatnonzero(
        (frame["reading_score"].is_not_null() & frame["maths_score"].is_not_null()).to_numpy()
    )
    upn = frame["upn"].to_list()
    defects = []
    for i, row in enumerate(_pick(rng, scored, count)):
        if i % 3 == 0:
            defects.append(Defect("ks2", row, upn[row], OUT_OF_RANGE, "reading_score", "127", 127))
        elif i % 3 == 1:
            defects.append(Defect("ks2", row, upn[row], OUT_OF_RANGE, "maths_score", "79", 79))
        else:
            defects.append(
                Defect("ks2", row, upn[row], CODE_NOT_IN_SET, "writing_ta", "EXP", "EXP")
            )
    return defects


def ks4_defects(rng: np.random.Generator, frame: pl.DataFrame, count: int) -> list[Defect]:
    """Attainment 8 above 90, a grade of 10 and a blank maths grade."""
    upn = frame["upn"].to_list()
    defects = []
    for i, row in enumerate(_pick(rng, np.arange(frame.height), count)):
        if i % 3 == 0:
            defects.append(Defect("ks4", row, upn[row], OUT_OF_RANGE, "attainment8", "94.5", 94.5))
        elif i % 3 == 1:
            defects.append(Defect("ks4", row, upn[row], OUT_OF_RANGE, "english_grade", "10", 10))
        else:
            defects.append(Defect("ks4", row, upn[row], MISSING_REQUIRED, "maths_grade", "", None))
    return defects


def absence_defects(rng: np.random.Generator, frame: pl.DataFrame, count: int) -> list[Defect]:
    """Absence above the possible sessions, and a half session."""
    upn = frame["upn"].to_list()
    possible = frame["possible_sessions"].to_list()
    unauthorised = frame["unauthorised_absence"].to_list()
    defects = []
    for i, row in enumerate(_pick(rng, np.arange(frame.height), count)):
        if i % 2 == 0:
            value = possible[row] - unauthorised[row] + int(rng.integers(1, 6))
            defects.append(
                Defect(
                    "absence",
                    row,
                    upn[row],
                    ABSENCE_EXCEEDS_POSSIBLE,
                    "authorised_absence",
                    str(value),
                    value,
                )
            )
        else:
            defects.append(
                Defect(
                    "absence", row, upn[row], NOT_A_WHOLE_NUMBER, "authorised_absence", "12.5", None
                )
            )
    return defects


def ncmp_defects(rng: np.random.Generator, frame: pl.DataFrame, count: int) -> list[Defect]:
    """Impossible measurement dates and heights written in metres."""
    upn = frame["upn"].to_list()
    height = frame["height_cm"].to_list()
    when = frame["measurement_date"].to_list()
    defects = []
    for i, row in enumerate(_pick(rng, np.arange(frame.height), count)):
        if i % 2 == 0:
            text = _bad_date_text(rng, when[row].year, when[row].month, when[row].day)
            defects.append(Defect("ncmp", row, upn[row], NOT_A_DATE, "measurement_date", text))
        else:
            metres = round(height[row] / 100, 2)
            defects.append(
                Defect("ncmp", row, upn[row], OUT_OF_RANGE, "height_cm", str(metres), metres)
            )
    return defects


def consent_defects(
    rng: np.random.Generator, frame: pl.DataFrame, count: int, stranger_upns: list[str]
) -> list[Defect]:
    """Rows naming a pupil who is not on the census, and a recorder outside the set."""
    upn = frame["upn"].to_list()
    defects = []
    for i, row in enumerate(_pick(rng, np.arange(frame.height), count)):
        if i % 2 == 0:
            stranger = stranger_upns[i // 2]
            defects.append(
                Defect("consent", row, stranger, UNKNOWN_PUPIL, "upn", stranger, stranger)
            )
        else:
            defects.append(
                Defect("consent", row, upn[row], CODE_NOT_IN_SET, "recorded_by", "school", "school")
            )
    return defects


def apply_typed(frame: pl.DataFrame, defects: list[Defect]) -> pl.DataFrame:
    """``frame`` with each defect's typed value (None for untypeable text) in its cell."""
    columns = sorted({d.column for d in defects})
    replaced = []
    for column in columns:
        here = [d for d in defects if d.column == column]
        series = frame[column].clone().scatter([d.row for d in here], [d.typed for d in here])
        replaced.append(series)
    return frame.with_columns(replaced) if replaced else frame


def apply_text(text: pl.DataFrame, defects: list[Defect]) -> pl.DataFrame:
    """The all-text ``text`` frame with each defect's text in its cell ("" as null)."""
    columns = sorted({d.column for d in defects})
    replaced = []
    for column in columns:
        here = [d for d in defects if d.column == column]
        values = [d.text if d.text != "" else None for d in here]
        replaced.append(text[column].clone().scatter([d.row for d in here], values))
    return text.with_columns(replaced) if replaced else text
