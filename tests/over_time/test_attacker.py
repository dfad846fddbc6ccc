"""The independent attacker (``attacker.py``) on hand-made release folders whose answers are
known by hand: it recovers what can be recovered, narrows what is narrowed, reads a
changed pupil's attributes off two releases, and finds nothing where there is nothing."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from attacker import SuppressedCell, attack_pair, attack_release, read_release
from handmade import TOTAL, HandTable, grid, write_release_folder

HERE = Path(__file__).parent

SCHOOLS = {  # school x sex, 3 schools
    "S1": {"F": 1, "M": 4},
    "S2": {"F": 3, "M": 5},
    "S3": {"F": 4, "M": 6},
}


def test_the_attacker_imports_nothing_of_the_engine() -> None:
    for module in ("attacker.py",):
        tree = ast.parse((HERE / module).read_text())
        imported = {
            (node.module or "").split(".")[0]
            for node in ast.walk(tree)
            if isinstance(node, ast.ImportFrom)
        } | {
            alias.name.split(".")[0]
            for node in ast.walk(tree)
            if isinstance(node, ast.Import)
            for alias in node.names
        }
        assert imported <= {
            "__future__",
            "json",
            "math",
            "collections",
            "dataclasses",
            "pathlib",
            "numpy",
            "polars",
            "scipy",
        }, imported


def test_one_suppressed_cell_of_a_two_way_table_is_recovered(tmp_path: Path) -> None:
    table = grid("t", "school", "sex", {"A": {"F": 1, "M": 5}, "B": {"F": 4, "M": 6}}, [("A", "F")])
    report = attack_release(write_release_folder(tmp_path / "r", [table]))
    assert [(c.coordinates, c.low, c.high) for c in report.recovered] == [
        ({"school": "A", "sex": "F"}, 1, 1)
    ]
    assert report.narrowed == [] and report.differences == []


def test_a_cell_pinned_inside_one_to_threshold_minus_one_is_narrowed(tmp_path: Path) -> None:
    # X + Y = 3, X + U = 2, Y + V = 2, U + V = 1: X and Y are 1 or 2, U and V 0 or 1
    table = grid(
        "t",
        "row",
        "col",
        {"r1": {"c1": 2, "c2": 1}, "r2": {"c1": 0, "c2": 1}},
        [("r1", "c1"), ("r1", "c2"), ("r2", "c1"), ("r2", "c2")],
    )
    report = attack_release(write_release_folder(tmp_path / "r", [table]))
    narrowed = {
        (c.coordinates["row"], c.coordinates["col"]): (c.low, c.high) for c in report.narrowed
    }
    assert narrowed == {("r1", "c1"): (1, 2), ("r1", "c2"): (1, 2)}
    assert report.recovered == []
    bounds = {
        (c.coordinates["row"], c.coordinates["col"]): (c.low, c.high) for c in report.suppressed
    }
    assert bounds[("r2", "c1")] == bounds[("r2", "c2")] == (0, 1)


def test_a_protected_table_discloses_nothing(tmp_path: Path) -> None:
    hidden = [(s, x) for s in ("S1", "S2") for x in ("F", "M")]
    report = attack_release(
        write_release_folder(tmp_path / "r", [grid("t", "school", "sex", SCHOOLS, hidden)])
    )
    assert len(report.suppressed) == 4
    assert report.disclosed_cells == []
    s1_f = next(c for c in report.suppressed if c.coordinates == {"school": "S1", "sex": "F"})
    assert s1_f.low == 0 and s1_f.high >= 3


def test_linked_tables_share_their_cells_and_a_hierarchy_gives_every_relation(
    tmp_path: Path,
) -> None:
    """Two tables of one population share the school totals; the school dimension has a
    level between the total and the schools; a table with an unpublished total (like the
    nightly release's years) gives no relation along it; derived columns are ignored."""
    school = ("school", {"primary": TOTAL, "P1": "primary", "P2": "primary"})
    sex = ("sex", {"F": TOTAL, "M": TOTAL})
    fsm = ("fsm", {"Y": TOTAL, "N": TOTAL})
    year = ("year", {"2024": TOTAL, "2025": TOTAL})
    rows_sex = [
        (TOTAL, TOTAL, 20), (TOTAL, "F", 9), (TOTAL, "M", 11),
        ("primary", TOTAL, 20), ("primary", "F", 9), ("primary", "M", 11),
        ("P1", TOTAL, 8), ("P1", "F", "c"), ("P1", "M", "c"),
        ("P2", TOTAL, 12), ("P2", "F", "c"), ("P2", "M", "c"),
    ]  # fmt: skip
    rows_fsm = [
        (TOTAL, TOTAL, 20), (TOTAL, "Y", 6), (TOTAL, "N", 14),
        ("primary", TOTAL, 20), ("primary", "Y", 6), ("primary", "N", 14),
        ("P1", TOTAL, 8), ("P1", "Y", 2), ("P1", "N", 6),
        ("P2", TOTAL, 12), ("P2", "Y", 4), ("P2", "N", 8),
    ]  # fmt: skip
    by_year = [
        ("2024", TOTAL, 5), ("2024", "F", 2), ("2024", "M", 3),
        ("2025", TOTAL, 7), ("2025", "F", "c"), ("2025", "M", "c"),
    ]  # fmt: skip
    folder = write_release_folder(
        tmp_path / "r",
        [
            HandTable("by_sex", [school, sex], rows_sex, extra={"percentage": ["x"] * 12}),
            HandTable("by_fsm", [school, fsm], rows_fsm),
            HandTable("by_year", [year, sex], by_year, family="other"),
        ],
        threshold=3,
    )
    release = read_release(folder)
    # 12 + 12 cells with 4 shared school totals, and 6 of another population
    assert len(release.values) == 12 + 12 - 4 + 6
    relations = {
        (parent[1], tuple(child[1] for child in children)) for parent, children in release.relations
    }
    assert (((("school", "primary"),)), ((("school", "P1"),), (("school", "P2"),))) in relations
    assert ((), ((("school", "primary"),),)) in relations
    assert not any(parent == () and children[0][0][0] == "year" for parent, children in relations)
    # the years' published rows pin nothing; the schools' sex cells range freely
    report = attack_release(folder)
    assert report.disclosed_cells == []
    assert len(report.suppressed) == 6


def test_a_changed_pupils_attributes_are_read_off_two_releases(tmp_path: Path) -> None:
    old = {"S1": {"F": 10, "M": 12}, "S2": {"F": 9, "M": 11}}
    new = {"S1": {"F": 9, "M": 12}, "S2": {"F": 9, "M": 11}}
    a = write_release_folder(tmp_path / "a", [grid("t", "school", "sex", old)])
    b = write_release_folder(tmp_path / "b", [grid("t", "school", "sex", new)])
    report = attack_pair(a, b)
    disclosed = {
        (d.coordinates["school"], d.coordinates["sex"], d.low) for d in report.attribute_disclosures
    }
    assert disclosed == {("S1", "F", -1), (TOTAL, "F", -1)}
    geography = [d for d in report.changed if not d.attribute]
    assert {(d.coordinates["school"], d.coordinates["sex"]) for d in geography} == {
        ("S1", TOTAL),
        (TOTAL, TOTAL),
    }


def test_a_difference_through_suppressed_cells_is_found(tmp_path: Path) -> None:
    """The changed pupil's cells are suppressed in both releases; the published margins
    still say where they were, once the attacker knows pupils only left."""
    old = {"S1": {"F": 2, "M": 4}, "S2": {"F": 3, "M": 5}, "S3": {"F": 7, "M": 6}}
    new = {"S1": {"F": 1, "M": 4}, "S2": {"F": 3, "M": 5}, "S3": {"F": 7, "M": 6}}
    hidden = [(s, x) for s in ("S1", "S2") for x in ("F", "M")]
    a = write_release_folder(tmp_path / "a", [grid("t", "school", "sex", old, hidden)])
    b = write_release_folder(tmp_path / "b", [grid("t", "school", "sex", new, hidden)])
    for folder in (a, b):
        assert attack_release(folder).disclosed_cells == []
    report = attack_pair(a, b, removals_only=True)
    s1_f = [
        d for d in report.attribute_disclosures if d.coordinates == {"school": "S1", "sex": "F"}
    ]
    assert [(d.old, d.new, d.low, d.high) for d in s1_f] == [(None, None, -1, -1)]


def test_two_safe_patterns_of_the_same_figures_recover_a_cell(tmp_path: Path) -> None:
    """Each release alone is protected, but they hide different cells of an unchanged
    table: an attacker who knows pupils only left sees nothing changed and combines them."""
    a_hidden = [(s, x) for s in ("S1", "S2") for x in ("F", "M")]
    b_hidden = [(s, x) for s in ("S1", "S3") for x in ("F", "M")]
    a = write_release_folder(tmp_path / "a", [grid("t", "school", "sex", SCHOOLS, a_hidden)])
    b = write_release_folder(tmp_path / "b", [grid("t", "school", "sex", SCHOOLS, b_hidden)])
    assert attack_release(a).disclosed_cells == attack_release(b).disclosed_cells == []
    blind = attack_pair(a, b)  # d unconstrained: the pair says nothing about the cells
    assert blind.disclosed_cells == [] and blind.changed == []
    report = attack_pair(a, b, removals_only=True)
    recovered = {
        (c.release, c.coordinates["school"], c.coordinates["sex"], c.low) for c in report.recovered
    }
    assert (0, "S1", "F", 1) in recovered and (1, "S1", "F", 1) in recovered
    assert report.changed == []


def test_nothing_is_found_where_nothing_changed(tmp_path: Path) -> None:
    hidden = [(s, x) for s in ("S1", "S2") for x in ("F", "M")]
    a = write_release_folder(tmp_path / "a", [grid("t", "school", "sex", SCHOOLS, hidden)])
    b = write_release_folder(tmp_path / "b", [grid("t", "school", "sex", SCHOOLS, hidden)])
    for options in ({}, {"removals_only": True}):
        report = attack_pair(a, b, **options)
        assert report.disclosed_cells == [] and report.changed == []
        assert report.paired == 12  # 3 schools and the total, by F, M and the total


def test_a_change_of_threshold_pupils_is_no_attribute_disclosure(tmp_path: Path) -> None:
    old = {"S1": {"F": 10, "M": 12}, "S2": {"F": 9, "M": 11}}
    new = {"S1": {"F": 7, "M": 12}, "S2": {"F": 9, "M": 11}}
    a = write_release_folder(tmp_path / "a", [grid("t", "school", "sex", old)])
    b = write_release_folder(tmp_path / "b", [grid("t", "school", "sex", new)])
    report = attack_pair(a, b, removals_only=True)
    assert {d.low for d in report.changed} == {-3}
    assert report.attribute_disclosures == []


def test_a_release_whose_published_cells_break_a_relation_is_refused(tmp_path: Path) -> None:
    table = grid("t", "school", "sex", {"A": {"F": 3, "M": 5}, "B": {"F": 4, "M": 6}})
    broken = HandTable(
        table.name,
        table.dimensions,
        [(r, c, 99 if (r, c) == ("A", "F") else v) for r, c, v in table.rows],
    )
    with pytest.raises(ValueError, match="break the relation"):
        attack_release(write_release_folder(tmp_path / "r", [broken]))


def test_a_new_cell_pinned_at_what_the_old_release_published_is_not_disclosed() -> None:
    """A cell the old release published (109) and the new one hides: pinned at 109 by the
    pair, it shows only what was public (no change); pinned at another value it is
    disclosed, and so is any cell of the old release pinned by the pair."""
    shown = SuppressedCell(1, "t", {"school": "A"}, 109, 109, True, 3, published_before=109)
    assert shown.recovered and not shown.disclosed
    moved = SuppressedCell(1, "t", {"school": "A"}, 108, 108, True, 3, published_before=109)
    assert moved.disclosed
    old = SuppressedCell(0, "t", {"school": "A"}, 2, 2, True, 3)
    assert old.disclosed
