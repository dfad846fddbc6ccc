"""Property tests: for random small hierarchical tables of 2-4 dimensions, every method's
pattern passes the independent audit, every sensitive cell is hidden, and optimal never costs
more than the modular method or the heuristic (same cost function). Also for random magnitude
tables under the dominance and p% rules (each protection mode) and for random count tables
with an attribute dimension under the rate and group attribute rules, linked with a second
table."""

from __future__ import annotations

import numpy as np
import polars as pl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from disclosure import Dimension, Profile, Table, audit, protect
from disclosure.primary import primary_cells

METHODS = ("optimal", "modular", "heuristic")

SETTINGS = settings(
    max_examples=30, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)

counts = st.one_of(st.integers(0, 4), st.integers(0, 40))


@st.composite
def hierarchical_dimension(draw: st.DrawFn, name: str) -> Dimension:
    """A two-level hierarchy: 1-2 groups of 1-3 leaves (or flat, 2-3 leaves)."""
    if draw(st.booleans()):
        return Dimension.flat(name, [f"{name}{i}" for i in range(draw(st.integers(2, 3)))])
    parents: dict[str, str] = {}
    for g in range(draw(st.integers(1, 2))):
        parents[f"{name}G{g}"] = "Total"
        for leaf in range(draw(st.integers(1, 3))):
            parents[f"{name}G{g}L{leaf}"] = f"{name}G{g}"
    return Dimension(name, "Total", parents)


@st.composite
def random_table(draw: st.DrawFn) -> Table:
    n_dims = draw(st.integers(2, 4))
    dims = [draw(hierarchical_dimension(f"d{k}")) for k in range(min(n_dims, 2))]
    # keep 3-D and 4-D tables small: the further dimensions flat with 2 codes
    dims += [Dimension.flat(f"d{k}", [f"d{k}0", f"d{k}1"]) for k in range(2, n_dims)]
    grid = pl.DataFrame({d.name: [list(d.leaves)] for d in dims})
    for d in dims:
        grid = grid.explode(d.name)
    values = draw(st.lists(counts, min_size=grid.height, max_size=grid.height))
    return Table.from_leaf_cells("random", grid.with_columns(pl.Series("value", values)), dims)


@st.composite
def linked_pair(draw: st.DrawFn) -> list[Table]:
    """Two tables of the same random units: unit x characteristic A, unit x characteristic B."""
    unit = draw(hierarchical_dimension("unit"))
    n = draw(st.integers(5, 40))
    idx = st.integers(0, 10_000)
    leaves = list(unit.leaves)
    frame = pl.DataFrame(
        {
            "unit": [leaves[draw(idx) % len(leaves)] for _ in range(n)],
            "a": [["x", "y"][draw(idx) % 2] for _ in range(n)],
            "b": [["p", "q", "r"][draw(idx) % 3] for _ in range(n)],
        }
    )
    return [
        Table.from_microdata("by_a", frame, [unit, Dimension.flat("a", ["x", "y"])]),
        Table.from_microdata("by_b", frame, [unit, Dimension.flat("b", ["p", "q", "r"])]),
    ]


def check(tables: list[Table], profile: Profile) -> None:
    results = {m: protect(tables, profile, method=m) for m in METHODS}
    for table in tables:
        marked = primary_cells(table, profile).filter(pl.col("status") == "primary")
        for protection in results.values():
            frame = protection.tables[table.name]
            names = [d.name for d in table.dimensions]
            hidden = marked.select(names).join(frame, on=names, how="left")
            assert set(hidden["status"]) <= {"primary"}
    for protection in results.values():
        assert protection.audit.passed, protection.audit.failures
        masks = {
            name: frame.select(*frame.columns[:-4], "status")
            for name, frame in protection.tables.items()
        }
        assert audit(tables, masks, profile).passed
        for frame in protection.tables.values():
            sensitive = frame.filter((pl.col("value") >= 1) & (pl.col("value") < profile.threshold))
            assert set(sensitive["status"]) <= {"primary"}
            assert (sensitive["published"] == profile.symbol).all()
    costs = {m: sum(s["cost"] for s in results[m].information_loss().values()) for m in METHODS}
    if results["optimal"].proven_optimal:
        assert costs["optimal"] <= costs["modular"] + 1e-6
        assert costs["optimal"] <= costs["heuristic"] + 1e-6


@SETTINGS
@given(random_table(), st.integers(2, 5))
def test_random_hierarchical_tables(table: Table, threshold: int) -> None:
    check([table], Profile("p", threshold=threshold))


@SETTINGS
@given(linked_pair())
def test_random_linked_tables(tables: list[Table]) -> None:
    check(tables, Profile("dfe", threshold=3))


@SETTINGS
@given(random_table())
def test_disclosive_zeros(table: Table) -> None:
    profile = Profile("zeros", threshold=3, zeros_safe=False)
    protection = protect([table], profile)
    assert protection.audit.passed
    frame = protection.tables["random"]
    assert set(frame.filter(pl.col("value") == 0)["status"]) <= {"primary"}
    assert np.all(frame.filter(pl.col("status") == "safe")["value"].to_numpy() >= 3)


MAGNITUDE_SETTINGS = settings(
    max_examples=20, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)


@st.composite
def magnitude_table(draw: st.DrawFn) -> Table:
    """Units with skewed non-negative amounts in a hierarchical unit x flat dimension table."""
    unit = draw(hierarchical_dimension("unit"))
    kind = Dimension.flat("kind", ["k0", "k1"])
    n = draw(st.integers(3, 30))
    idx = st.integers(0, 10_000)
    leaves = list(unit.leaves)
    amounts = st.one_of(st.integers(0, 20), st.integers(0, 2_000))
    frame = pl.DataFrame(
        {
            "unit": [leaves[draw(idx) % len(leaves)] for _ in range(n)],
            "kind": [["k0", "k1"][draw(idx) % 2] for _ in range(n)],
            "amount": [draw(amounts) for _ in range(n)],
        }
    )
    return Table.from_microdata("amounts", frame, [unit, kind], magnitude="amount", largest=3)


@MAGNITUDE_SETTINGS
@given(
    magnitude_table(),
    st.sampled_from(["upper", "symmetric", "sliding"]),
    st.sampled_from([(None, None, 20.0), (2, 80.0, None), (1, 60.0, 10.0)]),
)
def test_random_magnitude_tables(
    table: Table, protection: str, rules: tuple[int | None, float | None, float | None]
) -> None:
    n, k, p = rules
    profile = Profile(
        "m",
        threshold=3,
        dominance_n=n,
        dominance_k=k,
        p_percent=p,
        frequency_range=20,
        protection=protection,  # type: ignore[arg-type]
    )
    check([table], profile)


@st.composite
def outcome_tables(draw: st.DrawFn) -> list[Table]:
    """Pupils by school (hierarchical) x group x outcome (the attribute), and the same pupils by
    school x group: linked tables sharing the school x group margins."""
    school = draw(hierarchical_dimension("school"))
    group = Dimension.flat("group", ["sen", "other"])
    outcomes = ["reached", "not_reached", "absent"][: draw(st.integers(2, 3))]
    outcome = Dimension.flat("outcome", outcomes)
    n = draw(st.integers(4, 40))
    idx = st.integers(0, 10_000)
    leaves = list(school.leaves)
    skew = draw(st.integers(1, 4))  # how strongly the outcome leans to its first category
    frame = pl.DataFrame(
        {
            "school": [leaves[draw(idx) % len(leaves)] for _ in range(n)],
            "group": [["sen", "other"][draw(idx) % 2] for _ in range(n)],
            "outcome": [
                outcomes[max(0, draw(idx) % (len(outcomes) + skew) - skew)] for _ in range(n)
            ],
        }
    )
    return [
        Table.from_microdata("results", frame, [school, group, outcome], attribute="outcome"),
        Table.from_microdata("roll", frame, [school, group]),
    ]


@MAGNITUDE_SETTINGS
@given(outcome_tables(), st.integers(0, 1), st.sampled_from([None, 6]))
def test_random_group_attribute_and_rate_tables(
    tables: list[Table], k: int, min_denominator: int | None
) -> None:
    profile = Profile(
        "g",
        threshold=3,
        group_attribute_max_total=8,
        group_attribute_k=k,
        min_denominator=min_denominator,
    )
    check(tables, profile)
