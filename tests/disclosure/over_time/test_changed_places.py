"""Step 2 of the protection over time and the joint audit's baseline.

``changed_breakdowns`` hides the attribute breakdown of exactly the places where an attribute
cell changed; a change the earlier release and the places' totals already pin (a pupil who
left a school where every pupil is in one category) is not a finding of the joint audit,
while the same change at a school with pupils in both categories is.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from disclosure import DFE, Dimension, Table, protect
from disclosure.over_time import EarlierRelease, joint_audit
from disclosure.over_time.protection import changed_breakdowns

SCHOOL = Dimension.flat("school", ["A", "B", "C"], total="Total")
STAGE = Dimension.flat("stage", ["P", "S"], total="Total")


def table(rows: dict[str, tuple[int, int]]) -> Table:
    """A school x stage table from per-school (P, S) counts."""
    frame = pl.DataFrame(
        {
            "school": [s for s in rows for _ in range(2)],
            "stage": ["P", "S"] * len(rows),
            "value": [v for counts in rows.values() for v in counts],
        }
    )
    frame = pl.concat(
        [
            frame,
            frame.group_by("school").agg(pl.col("value").sum()).with_columns(stage=pl.lit("Total")),
        ],
        how="diagonal",
    )
    frame = pl.concat(
        [
            frame,
            frame.group_by("stage").agg(pl.col("value").sum()).with_columns(school=pl.lit("Total")),
        ],
        how="diagonal",
    )
    return Table.from_cells("by_stage", frame.select("school", "stage", "value"), (SCHOOL, STAGE))


def cells(t: Table, mask: np.ndarray) -> set[tuple[str, str]]:
    return {
        (r["school"], r["stage"]) for r in t.cells.filter(pl.Series(mask)).iter_rows(named=True)
    }


def test_only_the_changed_places_lose_their_breakdown() -> None:
    old = table({"A": (30, 0), "B": (12, 20), "C": (25, 15)})
    new = table({"A": (30, 0), "B": (12, 19), "C": (25, 15)})
    earlier = EarlierRelease("first", [old], protect([old], DFE), DFE, change="removals")
    masks = changed_breakdowns([new], [earlier], {"by_stage": ["stage"]})
    assert cells(new, masks["by_stage"]) == {
        ("B", "P"),
        ("B", "S"),
        ("Total", "P"),
        ("Total", "S"),
    }


def test_a_change_the_totals_pin_is_not_a_finding_but_one_the_pattern_pins_is() -> None:
    attributes = {"by_stage": ["stage"]}
    # a pupil leaves A, where every pupil is in stage P: the totals say which stage
    old = table({"A": (30, 0), "B": (12, 20), "C": (25, 15)})
    new = table({"A": (29, 0), "B": (12, 20), "C": (25, 15)})
    earlier = EarlierRelease("first", [old], protect([old], DFE), DFE, change="removals")
    published = protect([new], DFE)
    report = joint_audit([new], published, DFE, [earlier], attributes)
    assert report.passed and report.shown_by_totals >= 1

    # a pupil leaves B, with pupils in both stages: published as is, the pair pins it
    new = table({"A": (30, 0), "B": (12, 19), "C": (25, 15)})
    report = joint_audit([new], protect([new], DFE), DFE, [earlier], attributes)
    assert not report.passed
    assert {f.rule for f in report.findings} == {"change of a few pupils pinned"}


def _statuses(t: Table, primary: set[tuple[str, str]], secondary: set[tuple[str, str]]):
    return t.cells.with_columns(
        status=pl.Series(
            [
                "primary" if key in primary else "secondary" if key in secondary else "safe"
                for key in zip(t.cells["school"], t.cells["stage"], strict=True)
            ]
        )
    )


def test_a_cell_the_earlier_release_published_is_not_a_finding_when_the_pair_pins_it() -> None:
    """School A had 11 pupils in stage S and none in P, all published; one leaves and A's P
    cell (still 0) becomes primary with its rectangle hidden. After removals only, A's P
    cannot have grown from the 0 the earlier release published: the pair pins it, which
    shows nothing not published before; a cell published with another value, or not at
    all, still is a finding."""
    old = table({"A": (0, 11), "B": (12, 20), "C": (25, 15)})
    new = table({"A": (0, 10), "B": (12, 20), "C": (25, 15)})
    nothing = old.cells.with_columns(status=pl.lit("safe"))
    earlier = EarlierRelease("first", [old], {"by_stage": nothing}, DFE, change="removals")
    rectangle = {("A", "S"), ("B", "P"), ("B", "S"), ("A", "Total"), ("B", "Total")}
    hidden = _statuses(new, {("A", "P")}, rectangle)
    report = joint_audit([new], {"by_stage": hidden}, DFE, [earlier], {"by_stage": ["stage"]})
    assert report.passed, report.findings
    assert report.published_before >= 1

    # the earlier release hid A's P (and its rectangle): the pair's 0 is news
    hid = _statuses(old, set(), {("A", "P"), ("C", "P"), ("A", "S"), ("C", "S")})
    earlier = EarlierRelease("first", [old], {"by_stage": hid}, DFE, change="removals")
    report = joint_audit([new], {"by_stage": hidden}, DFE, [earlier], {"by_stage": ["stage"]})
    assert any(f.cell == "school=A, stage=P" and f.release == "new" for f in report.findings)
