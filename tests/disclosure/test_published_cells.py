"""The digest of the published cells: it depends on the set of cells and their published text
only (not on the order of rows or columns), changes with any code, text or cell, and the
audit's digest is what a release writer recomputes from the protected tables."""

from __future__ import annotations

import hashlib
import json

import numpy as np
import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from disclosure import (
    DFE,
    Dimension,
    Profile,
    Table,
    TableError,
    audit,
    protect,
    published_cells_digest,
)
from disclosure.published_cells import PUBLISHED, published_cells

from .cases import linked_region_tables, two_by_two
from .test_properties import random_table

NHS = Profile("nhs", threshold=8, symbol="*", rounding_base=5)
SETTINGS = settings(
    max_examples=60, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)


@st.composite
def published_table(draw: st.DrawFn) -> tuple[Table, np.ndarray, Profile]:
    """A random table, a random suppression pattern over its cells and a profile."""
    table = draw(random_table())
    hidden = np.array(draw(st.lists(st.booleans(), min_size=table.size, max_size=table.size)))
    return table, hidden, draw(st.sampled_from([DFE, NHS]))


def digest_of(table: Table, hidden: np.ndarray, profile: Profile) -> str:
    return published_cells_digest({table.name: published_cells(table, hidden, profile)})


@SETTINGS
@given(published_table(), st.randoms(use_true_random=False))
def test_the_digest_does_not_depend_on_the_order_of_rows_or_columns(case, rng) -> None:
    table, hidden, profile = case
    cells = published_cells(table, hidden, profile)
    rows = list(range(cells.height))
    rng.shuffle(rows)
    columns = list(cells.columns)
    rng.shuffle(columns)
    shuffled = cells[rows].select(columns)
    assert published_cells_digest({table.name: shuffled}) == digest_of(table, hidden, profile)


@SETTINGS
@given(published_table(), st.integers(0, 10_000))
def test_publishing_a_hidden_cell_or_hiding_a_published_one_changes_the_digest(case, pick) -> None:
    table, hidden, profile = case
    cell = pick % table.size
    flipped = hidden.copy()
    flipped[cell] = not flipped[cell]
    assert digest_of(table, flipped, profile) != digest_of(table, hidden, profile)


@SETTINGS
@given(published_table(), st.integers(0, 10_000), st.text(min_size=1, max_size=3))
def test_any_other_published_text_or_code_changes_the_digest(case, pick, text) -> None:
    table, hidden, profile = case
    cells = published_cells(table, hidden, profile)
    before = published_cells_digest({table.name: cells})
    row = pick % cells.height
    old = cells[PUBLISHED][row]
    new_text = text if text != old else text + "0"
    changed = cells.with_columns(
        pl.when(pl.int_range(pl.len()) == row)
        .then(pl.lit(new_text))
        .otherwise(pl.col(PUBLISHED))
        .alias(PUBLISHED)
    )
    assert published_cells_digest({table.name: changed}) != before
    code = cells.columns[pick % (len(cells.columns) - 1)]
    recoded = cells.with_columns(
        pl.when(pl.int_range(pl.len()) == row)
        .then(pl.lit("new code"))
        .otherwise(pl.col(code))
        .alias(code)
    )
    assert published_cells_digest({table.name: recoded}) != before


@SETTINGS
@given(published_table(), st.integers(0, 10_000))
def test_adding_or_removing_a_cell_changes_the_digest(case, pick) -> None:
    table, hidden, profile = case
    cells = published_cells(table, hidden, profile)
    before = published_cells_digest({table.name: cells})
    row = pick % cells.height
    fewer = cells.filter(pl.int_range(pl.len()) != row)
    assert published_cells_digest({table.name: fewer}) != before
    extra = cells[row].with_columns(pl.lit("another code").alias(cells.columns[0]))
    assert published_cells_digest({table.name: pl.concat([cells, extra])}) != before


def test_the_digest_is_sha256_of_the_documented_lines() -> None:
    cells = pl.DataFrame({"sex": ["F", "Total"], "school": ["A", "Total"], PUBLISHED: ["c", "40"]})
    lines = [
        '{"dimensions":["school","sex"],"table":"pupils"}',
        '[["A","F"],"c"]',
        '[["Total","Total"],"40"]',
    ]
    expected = hashlib.sha256("".join(f"{line}\n" for line in lines).encode()).hexdigest()
    assert published_cells_digest({"pupils": cells}) == expected
    assert published_cells_digest({"pupils ": cells}) != expected  # the name counts
    assert published_cells_digest({}) == hashlib.sha256(b"").hexdigest()


def test_tables_are_digested_in_order_of_their_names() -> None:
    a = pl.DataFrame({"x": ["1"], PUBLISHED: ["5"]})
    b = pl.DataFrame({"y": ["2"], PUBLISHED: ["c"]})
    assert published_cells_digest({"a": a, "b": b}) == published_cells_digest({"b": b, "a": a})
    assert published_cells_digest({"a": a, "b": b}) != published_cells_digest({"a": b, "b": a})


@pytest.mark.parametrize(
    ("frame", "message"),
    [
        (pl.DataFrame({"x": ["1"], "value": ["5"]}), "no 'published' column"),
        (pl.DataFrame({PUBLISHED: ["5"]}), "no dimension column"),
        (pl.DataFrame({"x": ["1", None], PUBLISHED: ["5", "c"]}), "null"),
        (pl.DataFrame({"x": ["1", "1"], PUBLISHED: ["5", "c"]}), "more than once"),
    ],
)
def test_frames_that_are_not_published_cells_are_refused(frame, message) -> None:
    with pytest.raises(TableError, match=message):
        published_cells_digest({"t": frame})


@pytest.mark.parametrize("profile", [DFE, NHS], ids=["dfe", "nhs"])
def test_the_audit_digest_is_the_digest_of_the_protected_tables_published_cells(
    profile: Profile,
) -> None:
    tables = list(linked_region_tables())
    protection = protect(tables, profile)
    cells = protection.published_cells()
    assert set(cells) == {"by_county", "by_size"}
    for table in tables:
        frame = cells[table.name]
        assert frame.columns == [*(d.name for d in table.dimensions), PUBLISHED]
    assert protection.audit.digest == published_cells_digest(cells)
    # a release writer's frames: the measure renamed back, rows in another order
    written = {
        name: frame.rename({PUBLISHED: "pupils"}).reverse().rename({"pupils": PUBLISHED})
        for name, frame in cells.items()
    }
    assert published_cells_digest(written) == protection.audit.digest
    # the same pattern audited again, as a Protection or as plain status frames
    assert audit(tables, protection, profile).digest == protection.audit.digest
    statuses = {n: f.select("region", "status") for n, f in protection.tables.items()}
    assert audit(tables, statuses, profile).digest == protection.audit.digest
    assert protection.audit.as_dict()["digest"] == protection.audit.digest
    json.dumps(protection.audit.as_dict())


def test_the_audit_digest_covers_exactly_the_tables_audited() -> None:
    tables = list(linked_region_tables())
    protection = protect(tables, Profile("l", threshold=4))
    alone = audit(tables[:1], protection, protection.profile)
    assert alone.digest == published_cells_digest(
        {"by_county": protection.published_cells()["by_county"]}
    )
    assert alone.digest != protection.audit.digest


def test_the_audit_digest_follows_the_pattern_it_checked() -> None:
    table = two_by_two()
    hide_nothing = audit([table], {table.name: [False] * table.size}, DFE)
    hide_all = audit([table], {table.name: [True] * table.size}, DFE)
    assert hide_nothing.digest != hide_all.digest
    published = table.cells.select("row", "col", pl.col("value").cast(pl.Utf8).alias(PUBLISHED))
    assert hide_nothing.digest == published_cells_digest({table.name: published})
    symbols = published.with_columns(pl.lit("c").alias(PUBLISHED))
    assert hide_all.digest == published_cells_digest({table.name: symbols})


def test_a_frame_whose_published_text_disagrees_with_its_pattern_is_caught() -> None:
    """The audit digests the text its pattern and profile publish, not a frame's own
    ``published`` column: a frame claiming another text no longer matches."""
    region = Dimension.flat("region", ["A", "B"])
    table = Table.from_leaf_cells(
        "t", pl.DataFrame({"region": ["A", "B"], "value": [1, 9]}), [region]
    )
    protection = protect([table], DFE)
    tampered = protection.tables["t"].with_columns(
        pl.when(pl.col("status") == "primary")
        .then(pl.lit("1"))
        .otherwise(pl.col(PUBLISHED))
        .alias(PUBLISHED)
    )
    report = audit([table], {"t": tampered}, DFE)
    assert report.digest == protection.audit.digest
    assert published_cells_digest({"t": tampered.select("region", PUBLISHED)}) != report.digest
