"""Protection of the performance tables on the synthetic borough (48,000 pupils, three years).

The borough's frames go straight into a store (no loader, no Great Expectations), then the
populations are aggregated, protected and turned into release tables, and the properties the
release promises are checked against the true counts:

* the audit over every table passes; no count of 1-2 is published;
* by school, every cell with a cohort of 1-5 is suppressed with its outcomes;
* percentages are those of the published counts, suppressed with them;
* means are published exactly where their cohort is, and their sums cannot be recovered
  from the published sums (an attacker's audit of the sum tables under the same pattern).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import polars as pl
import pytest

from disclosure import Profile, Table, audit
from pipeline.profiles import load_profile
from pipeline.release.published import ReleaseTable
from pipeline.releases.nightly_performance import (
    PerformanceProtection,
    Population,
    audit_populations,
    performance_populations,
    performance_release_tables,
    protect_populations,
    release_years,
)
from pipeline.releases.nightly_performance.means import denominator_column, numerator_column
from pipeline.releases.nightly_performance.measures import OUTCOME, SCHOOL, TOTAL
from pipeline.store import open_store
from pipeline.synthetic.history import generate_history

PROFILE = load_profile("dfe-performance")
INPUTS = ("schools", "census", "consent", "ks2", "ks4", "absence")


def insert_borough_history(path: Path, pupils: int = 48_000) -> None:
    """Every year of a synthetic borough, inserted as typed frames (the delivered consent
    file of each year joins the register when the store closes)."""
    for borough in generate_history(pupils=pupils, seed=11):
        with open_store(path) as con:
            for name in INPUTS:
                frame = borough.frames[name]
                if name == "schools":
                    con.execute("DELETE FROM schools")
                if name == "consent":
                    con.execute("DELETE FROM consent")
                con.register("new_rows", frame.to_arrow())
                con.execute(f"INSERT INTO {name} BY NAME SELECT * FROM new_rows")
                con.unregister("new_rows")


@pytest.fixture(scope="module")
def protected(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[list[Population], PerformanceProtection, list[ReleaseTable]]]:
    path = tmp_path_factory.mktemp("performance-synthetic") / "store.duckdb"
    insert_borough_history(path)
    with open_store(path) as con:
        populations = performance_populations(con, release_years(con))
    protection = protect_populations(populations, PROFILE)
    yield populations, protection, performance_release_tables(populations, protection, PROFILE)


def test_three_years_of_each_family_are_protected_and_audited(
    protected: tuple[list[Population], PerformanceProtection, list[ReleaseTable]],
) -> None:
    populations, protection, tables = protected
    assert sorted(p.key for p in populations) == sorted(
        f"{f}_{y}" for f in ("ks2", "ks4", "absence") for y in ("2023-24", "2024-25", "2025-26")
    )
    assert protection.audit.passed
    fresh = audit_populations(populations, protection, PROFILE)
    assert fresh.passed and fresh.intervals.height == protection.audit.intervals.height
    assert len(tables) == 30
    suppressed = sum(s["primary"] + s["secondary"] for s in protection.summaries.values())
    assert suppressed > 0


def test_no_small_count_is_published(
    protected: tuple[list[Population], PerformanceProtection, list[ReleaseTable]],
) -> None:
    _, protection, tables = protected
    for frame in protection.tables.values():
        shown = frame.filter(pl.col("published") != PROFILE.symbol)
        assert not shown.filter(pl.col("value").is_between(1, PROFILE.threshold - 1)).height
    for table in tables:
        counts = table.cells[table.measure]
        numbers = counts.filter(counts != PROFILE.symbol).cast(pl.Int64)
        assert not numbers.is_between(1, PROFILE.threshold - 1).any(), table.name


def test_school_cohorts_under_six_are_suppressed(
    protected: tuple[list[Population], PerformanceProtection, list[ReleaseTable]],
) -> None:
    populations, protection, _ = protected
    small = 0
    for population in populations:
        for table in population.tables:
            frame = protection.tables[table.name]
            cohorts = frame.filter(pl.col(OUTCOME) == TOTAL).select(
                pl.exclude(OUTCOME, "status", "reason", "published"),
            )
            keys = [d.name for d in table.dimensions if d.name != OUTCOME]
            joined = frame.join(
                cohorts.rename({"value": "cohort"}), on=keys, how="left", maintain_order="left"
            )
            at_school = joined.filter((pl.col(SCHOOL) != TOTAL) & pl.col("cohort").is_between(1, 5))
            small += at_school.height
            assert (at_school["published"] == PROFILE.symbol).all(), table.name
    assert small > 0


def test_percentages_follow_the_published_counts(
    protected: tuple[list[Population], PerformanceProtection, list[ReleaseTable]],
) -> None:
    _, _, tables = protected
    checked = 0
    for table in tables:
        if table.summary["kind"] != "counts":
            continue
        keys = [d.name for d in table.dimensions if d.name != OUTCOME]
        cohort = table.cells.filter(pl.col(OUTCOME) == TOTAL).select(
            *keys, pl.col("pupils").alias("cohort")
        )
        rows = table.cells.join(cohort, on=keys, how="left", maintain_order="left")
        for row in rows.iter_rows(named=True):
            if PROFILE.symbol in (row["pupils"], row["cohort"]):
                assert row["percentage"] == PROFILE.symbol
            elif row["cohort"] == "0":
                assert row["percentage"] == "z"
            else:
                expected = 100 * int(row["pupils"]) / int(row["cohort"])
                assert float(row["percentage"]) == pytest.approx(expected, abs=0.0501)
                checked += 1
    assert checked > 1000


def test_means_are_published_exactly_where_their_cohort_is(
    protected: tuple[list[Population], PerformanceProtection, list[ReleaseTable]],
) -> None:
    _, _, tables = protected
    by_name = {t.name: t for t in tables}
    for table in tables:
        if table.summary["kind"] != "means":
            continue
        counts = next(
            t
            for t in tables
            if t.summary["kind"] == "counts"
            and t.summary["family"] == table.summary["family"]
            and t.summary["breakdown"] == table.summary["breakdown"]
        )
        keys = [d.name for d in table.dimensions]
        cohort = by_name[counts.name].cells.filter(pl.col(OUTCOME) == TOTAL).select(*keys, "pupils")
        assert table.cells.select(*keys, "pupils").equals(cohort)
        for column in (c.column for c in table.derived):
            hidden = table.cells["pupils"] == PROFILE.symbol
            assert (table.cells.filter(hidden)[column] == PROFILE.symbol).all()
            shown = table.cells.filter(~hidden)[column]
            assert not (shown == PROFILE.symbol).any(), (table.name, column)


def sum_table(table: Table, sums: pl.DataFrame, column: str) -> Table:
    """The cohort slice of ``table`` holding the sums of ``column`` in hundredths (whole
    numbers, as the attacker's audit counts units)."""
    dims = table.dimensions[:2]
    frame = sums.select(
        *[d.name for d in dims], (pl.col(column) * 100).round(0).cast(pl.Int64).alias("value")
    )
    return Table.from_cells(table.name, frame, dims)


def test_suppressed_means_cannot_be_differenced_out(
    protected: tuple[list[Population], PerformanceProtection, list[ReleaseTable]],
) -> None:
    """The attacker knows the sum behind every published mean; the sums add up like the
    cohorts; under the cohorts' suppression pattern no suppressed sum is recovered exactly."""
    populations, protection, _ = protected
    sums_profile = Profile(name="sums", threshold=1, symbol="c")
    audited = 0
    for population in populations:
        patterns = {
            t.name: (
                protection.tables[t.name].filter(pl.col(OUTCOME) == TOTAL)["published"]
                == PROFILE.symbol
            ).to_list()
            for t in population.tables
        }
        # every summed variable but Progress 8 (negative values; a Table holds counts)
        columns = [
            numerator_column(m) for m in population.family.means if m.numerator != "progress8"
        ]
        columns += [denominator_column(m) for m in population.family.means if m.denominator]
        for column in columns:
            tables = [sum_table(t, population.sums[t.name], column) for t in population.tables]
            report = audit(tables, patterns, sums_profile)
            assert report.passed, (population.key, column, report.markdown())
            audited += report.intervals.height
    assert audited > 0
