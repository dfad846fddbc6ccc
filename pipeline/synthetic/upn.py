"""Unique Pupil Numbers for the synthetic pupils, built a whole cohort at a time.

A UPN is a check letter, the 3-digit LA number and 4-digit establishment number of the
school that allocated it, 2 digits of the year of allocation and a 3-digit serial. The
check letter is the sum of (value of character i) x i for i = 2..13, mod 23, looked up in
``ABCDEFGHJKLMNPQRTUVWXYZ``; digits have values 23-32 in ``stdnum.gb.upn``'s alphabet,
which mod 23 is the digit itself. ``stdnum.gb.upn`` is the reference the tests check
against.
"""

from __future__ import annotations

import numpy as np
from stdnum.gb import upn as stdnum_upn

CHECK_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"
WEIGHTS = np.arange(2, 14, dtype=np.int64)

NEIGHBOURING_LAS: tuple[int, ...] = (*range(350, 360), *range(340, 345), 888, 876)
"""LA numbers (all known to ``stdnum``) that allocated the UPNs of pupils who moved in."""


def check_letters(digits: np.ndarray) -> np.ndarray:
    """Check letter of each row of ``digits`` (n, 12): positions 2-13 of the UPN."""
    index = (digits.astype(np.int64) @ WEIGHTS) % 23
    return np.array(list(CHECK_LETTERS), dtype=object)[index]


def known_la(la_number: int) -> bool:
    """True when ``stdnum.gb.upn`` knows ``la_number`` (a UPN from it can be valid)."""
    return stdnum_upn.is_valid(
        f"{stdnum_upn.calc_check_digit(f'{la_number:03d}000000000')}{la_number:03d}000000000"
    )


def _digit_columns(values: np.ndarray, width: int) -> np.ndarray:
    powers = 10 ** np.arange(width - 1, -1, -1, dtype=np.int64)
    return (values.astype(np.int64)[:, None] // powers[None, :]) % 10


def build_upns(
    rng: np.random.Generator, la: np.ndarray, establishment: np.ndarray, year: np.ndarray
) -> np.ndarray:
    """A valid, distinct UPN per pupil from the allocating LA, establishment and year.

    Serials number the pupils of each (LA, establishment, year) group in a random order,
    starting from a random point so that not every group starts at 001.
    """
    n = la.size
    key = (la.astype(np.int64) * 10_000 + establishment) * 100 + year % 100
    shuffle = rng.permutation(n)
    order = shuffle[np.argsort(key[shuffle], kind="stable")]
    sorted_key = key[order]
    group_start = np.r_[True, sorted_key[1:] != sorted_key[:-1]]
    group_id = np.cumsum(group_start) - 1
    first_in_group = np.flatnonzero(group_start)
    rank = np.arange(n) - first_in_group[group_id]
    group_size = np.diff(np.r_[first_in_group, n])
    if group_size.size and group_size.max() > 998:
        raise ValueError("more than 998 pupils share an allocating school and year")
    headroom = 999 - group_size
    start = 1 + np.floor(rng.random(group_size.size) * np.minimum(headroom, 200)).astype(np.int64)
    serial = np.empty(n, dtype=np.int64)
    serial[order] = start[group_id] + rank
    digits = np.hstack(
        [
            _digit_columns(la, 3),
            _digit_columns(establishment, 4),
            _digit_columns(year % 100, 2),
            _digit_columns(serial, 3),
        ]
    )
    letters = check_letters(digits)
    body = ["".join(map(str, row)) for row in digits.tolist()]
    return np.array([f"{c}{b}" for c, b in zip(letters, body, strict=True)], dtype=object)


def wrong_check_letter(upn: str, shift: int) -> str:
    """``upn`` with its check letter replaced by another letter (``shift`` 1-22 places on)."""
    right = CHECK_LETTERS.index(upn[0])
    return CHECK_LETTERS[(right + shift) % 23] + upn[1:]
