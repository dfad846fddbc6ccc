"""Published test cases rebuilt from their numbers (shared by the disclosure tests).

- sdcTools/sdcTable ``data-raw/microdata1.R`` and ``tests/testthat/test-protectTable.r``: 100
  units by region A-D and gender; cell (A, female) is the only primary; OPT, HITAS, HYPERCUBE
  and SIMPLEHEURISTIC all suppress A-male, A-female, C-male and C-female.
- sdcTable ``tests/testthat/test-simpleheuristic.R``: a 4x4 table (v1 w-z by v2 a-d) with 9
  suppressed cells, two or more in every row and column, where cell (w, b) = 47 can still be
  recomputed; suppressing (x, b) as well gives (w, b) the attack interval [0, 141] (an earlier
  version of the test suppressed (x, d) and reported [0, 78]).
- sdcTable ``tests/testthat/test-linked-tables.r``: regions A, B, I-N with counts 2, 2, 8, 8,
  3, 3, 3, 7 grouped by county in one table and by size in the other; counts <= 3 primary.
  Each table is safe alone, together K = 3 is recovered; linked protection also suppresses N.
- tau-ARGUS manual 4.1, section 2.15: a 2x2 audit example whose attacker interval for X11 is
  [3, 6]; the manual's own cell values were not available, so the table below is built to give
  that interval from its margins.
"""

from __future__ import annotations

from collections import Counter

import polars as pl

from disclosure import Dimension, Table

# microdata1: the region and gender (M/F) of each of the 100 units, in file order
_REGION = (
    "CCAACDDAACABBBCDABCABDACDDABDCCBBBBDCDBCBADBBDBCCB"
    "ACDBCBBACDBADDAADDDACBBDDBDDABBCABBBCACCCDBDBBDBAB"
)
_GENDER = (
    "MMMMMFFFMMFFMMFFMMMMMMMFFMMFMMFMFFFMFMFMMMFFFMFMFF"
    "MFFFMMFMFMMMFFMMFFMMFMFFFFFMMFFFMMMMMMMFMMFFFMMFMM"
)


def microdata1() -> pl.DataFrame:
    """sdcTable's microdata1 (region, gender) as one row per unit."""
    genders = {"M": "male", "F": "female"}
    return pl.DataFrame({"region": list(_REGION), "gender": [genders[g] for g in _GENDER]})


def region_by_gender() -> Table:
    region = Dimension.flat("region", list("ABCD"), total="total")
    gender = Dimension.flat("gender", ["male", "female"], total="total")
    return Table.from_microdata("region_by_gender", microdata1(), [region, gender])


def microdata1_counts() -> Counter[tuple[str, str]]:
    frame = microdata1()
    return Counter(zip(frame["region"], frame["gender"], strict=True))


FOUR_BY_FOUR = {
    ("w", "a"): 30, ("w", "b"): 47, ("w", "c"): 64, ("w", "d"): 89,
    ("x", "a"): 90, ("x", "b"): 124, ("x", "c"): 5, ("x", "d"): 31,
    ("y", "a"): 92, ("y", "b"): 100, ("y", "c"): 59, ("y", "d"): 85,
    ("z", "a"): 800, ("z", "b"): 991, ("z", "c"): 651, ("z", "d"): 685,
}  # fmt: skip
FOUR_BY_FOUR_SUPPRESSED = [
    ("w", "a"), ("w", "b"), ("w", "c"), ("x", "a"), ("x", "c"),
    ("y", "b"), ("y", "d"), ("z", "b"), ("z", "d"),
]  # fmt: skip


def four_by_four() -> Table:
    v1 = Dimension.flat("v1", list("wxyz"), total="tot")
    v2 = Dimension.flat("v2", list("abcd"), total="tot")
    leaves = pl.DataFrame(
        {
            "v1": [k[0] for k in FOUR_BY_FOUR],
            "v2": [k[1] for k in FOUR_BY_FOUR],
            "value": list(FOUR_BY_FOUR.values()),
        }
    )
    return Table.from_leaf_cells("four_by_four", leaves, [v1, v2])


def mask(table: Table, cells: list[tuple[str, ...]]) -> pl.DataFrame:
    """The table's cells with a ``suppressed`` flag set on ``cells`` (dimension order)."""
    names = [d.name for d in table.dimensions]
    wanted = pl.DataFrame([dict(zip(names, c, strict=True)) for c in cells])
    flagged = wanted.with_columns(pl.lit(True).alias("suppressed"))
    return table.cells.join(flagged, on=names, how="left", maintain_order="left").with_columns(
        pl.col("suppressed").fill_null(False)
    )


LINKED_COUNTS = {"A": 2, "B": 2, "I": 8, "J": 8, "K": 3, "L": 3, "M": 3, "N": 7}


def linked_region_tables() -> tuple[Table, Table]:
    by_county = Dimension(
        "region",
        "Total",
        {
            "county-1": "Total",
            "county-2": "Total",
            **{c: "county-1" for c in "ABIJ"},
            **{c: "county-2" for c in "KLMN"},
        },
    )
    by_size = Dimension(
        "region",
        "Total",
        {
            "big": "Total",
            "small": "Total",
            **{c: "big" for c in "LM"},
            **{c: "small" for c in "ABIJKN"},
        },
    )
    leaves = pl.DataFrame({"region": list(LINKED_COUNTS), "value": list(LINKED_COUNTS.values())})
    return (
        Table.from_leaf_cells("by_county", leaves, [by_county]),
        Table.from_leaf_cells("by_size", leaves, [by_size]),
    )


def two_by_two() -> Table:
    """A 2x2 table with margins where, all four inner cells suppressed, the attacker finds X11
    in [3, 6]: X11 + X12 = 6, X11 + X21 = 8, X21 + X22 = 5 give X11 >= 8 - 5 and X11 <= 6."""
    rows = Dimension.flat("row", ["1", "2"], total="T")
    cols = Dimension.flat("col", ["1", "2"], total="T")
    leaves = pl.DataFrame(
        {"row": ["1", "1", "2", "2"], "col": ["1", "2", "1", "2"], "value": [4, 2, 4, 1]}
    )
    return Table.from_leaf_cells("two_by_two", leaves, [rows, cols])
