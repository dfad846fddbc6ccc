from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from disclosure import DFE, ProtectionInfeasibleError, link_tables
from disclosure.levels import ProtectionLevels
from disclosure.linking import LinkedCells
from disclosure.primary import is_sensitive, upper_protection_levels
from disclosure.secondary.attacker import AttackerModel
from disclosure.secondary.optimal import OptimalResult, optimal_pattern

from ..cases import region_by_gender


def setup():
    linked = link_tables([region_by_gender()])
    values = linked.values
    primary = is_sensitive(values, DFE)
    levels = ProtectionLevels.upper_only(primary, upper_protection_levels(values, DFE))
    return linked, values, primary, levels


def unforced(
    linked: LinkedCells,
    values: np.ndarray,
    levels: ProtectionLevels,
    costs: np.ndarray,
    **options: Any,
) -> OptimalResult:
    """``optimal_pattern`` on ``linked`` with nothing forced published (Fischetti and Salazar,
    JASA 2000)."""
    return optimal_pattern(
        AttackerModel(linked.relations, values, 100.0),
        linked.relations,
        levels,
        np.zeros(linked.size, dtype=bool),
        costs,
        **options,
    )


def test_optimal_pattern_is_least_cost_and_proven() -> None:
    linked, values, _, levels = setup()
    costs = values + 1.0
    result = unforced(
        linked,
        values,
        levels,
        costs,
    )
    assert result.pattern is not None and result.proven_optimal
    assert costs[result.pattern].sum() == 3 + 19 + 13 + 11
    assert result.lower_bound == pytest.approx(46.0)
    assert result.cuts > 0 and result.rounds >= 1


def test_count_costs_pick_four_cells() -> None:
    linked, values, _, levels = setup()
    result = unforced(
        linked,
        values,
        levels,
        np.ones(linked.size),
    )
    assert result.pattern is not None and result.pattern.sum() == 4


def test_optimal_reports_infeasibility() -> None:
    linked, values, primary, levels = setup()
    with pytest.raises(ProtectionInfeasibleError):
        optimal_pattern(
            AttackerModel(linked.relations, values, 100.0),
            linked.relations,
            levels,
            ~primary,
            values + 1.0,
        )


def test_round_limit_returns_no_pattern_with_a_note() -> None:
    linked, values, _, levels = setup()
    result = unforced(
        linked,
        values,
        levels,
        values + 1.0,
        max_rounds=1,
    )
    assert result.pattern is None and not result.proven_optimal
    assert "1 rounds" in result.notes[0]


def test_start_cells_stay_suppressed_at_no_cost() -> None:
    """The modular method hands over cells already suppressed elsewhere: they are kept and
    may be used for free (here B-male and B-female protect A-female instead of C)."""
    linked, values, _, levels = setup()
    start = np.zeros(linked.size, dtype=bool)
    labels = [linked.label(i) for i in range(linked.size)]
    for name in ("gender=male, region=B", "gender=female, region=B"):
        start[labels.index(name)] = True
    result = unforced(
        linked,
        values,
        levels,
        values + 1.0,
        start=start,
    )
    assert result.pattern is not None
    assert sorted(labels[i] for i in np.flatnonzero(result.pattern)) == [
        "gender=female, region=A", "gender=female, region=B",
        "gender=male, region=A", "gender=male, region=B",
    ]  # fmt: skip


def test_a_proven_optimum_is_the_pattern_returned_not_the_start() -> None:
    """Found by the linked-tables property test: HiGHS 1.16 reported the optimum's objective
    (51 under the value + 1 cost of the time) with the values of the MIP start (the
    heuristic's pattern, cost 52); the master checks the cost of what it returns and solves
    again without the start."""
    import polars as pl

    from disclosure import Dimension, Profile, Table, protect

    unit = Dimension(
        name="unit",
        total="Total",
        parents={"unitG0": "Total", "unitG0L0": "unitG0", "unitG0L1": "unitG0"},
    )
    frame = pl.DataFrame(
        {
            "unit": ["unitG0L0"] * 5 + ["unitG0L1"] * 2,
            "a": ["x"] * 7,
            "b": ["p", "p", "q", "q", "q", "q", "q"],
        }
    )
    tables = [
        Table.from_microdata("by_a", frame, [unit, Dimension.flat("a", ["x", "y"])]),
        Table.from_microdata("by_b", frame, [unit, Dimension.flat("b", ["p", "q", "r"])]),
    ]
    profile = Profile("dfe", threshold=3, frequency_sides="upper")  # the rule it was found with
    optimal = protect(tables, profile, method="optimal")
    modular = protect(tables, profile, method="modular")
    assert optimal.proven_optimal and optimal.audit.passed

    def cost(protection: object) -> float:
        return sum(s["cost"] for s in protection.information_loss().values())  # type: ignore[attr-defined]

    # without the check the returned pattern costs 39.837 (the start's), above modular's 39.778
    assert cost(optimal) <= cost(modular) + 1e-9


def test_inexact_duals_are_solved_again_from_scratch(monkeypatch: pytest.MonkeyPatch) -> None:
    """A warm-started LP whose duals give no tight bound is solved again cold; the pattern
    is the same as without the failure."""
    linked, values, _, levels = setup()
    tight = AttackerModel._tight_bound
    failed: list[int] = []

    def first_fails(self: AttackerModel, cell: int, *args: object) -> object:
        if not failed:
            failed.append(cell)
            return None
        return tight(self, cell, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(AttackerModel, "_tight_bound", first_fails)
    result = unforced(
        linked,
        values,
        levels,
        values + 1.0,
    )
    assert failed and result.pattern is not None and result.proven_optimal
    assert (values + 1.0)[result.pattern].sum() == 3 + 19 + 13 + 11


def test_duals_failing_twice_keep_the_incumbent_with_a_note(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """When even the cold solve gives no valid cut (DualBoundError), the search stops with
    the protecting pattern it was given (the heuristic's), not an exception; without one it
    returns none and the caller falls back."""
    linked, values, _, levels = setup()
    monkeypatch.setattr(AttackerModel, "_tight_bound", lambda *args: None)
    everything = ~np.zeros(linked.size, dtype=bool)
    for incumbent in (everything, None):
        result = unforced(
            linked,
            values,
            levels,
            values + 1.0,
            incumbent=incumbent,
        )
        assert not result.proven_optimal
        assert "numerical failure of the attacker LP" in result.notes[0]
        if incumbent is None:
            assert result.pattern is None
        else:
            assert result.pattern is not None and result.pattern.all()
