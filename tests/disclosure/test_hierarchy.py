from __future__ import annotations

import pickle

import polars as pl
import pytest

from disclosure import Dimension, HierarchyError


def schools() -> Dimension:
    lookup = pl.DataFrame(
        {"phase": ["SEC", "PRI", "PRI", "SEC"], "laestab": ["3002", "2002", "2001", "3001"]}
    )
    return Dimension.from_levels("school", lookup, ["phase", "laestab"], total="LA")


def test_from_levels_orders_codes_total_first_then_depth_first_sorted() -> None:
    dim = schools()
    assert dim.codes == ("LA", "PRI", "2001", "2002", "SEC", "3001", "3002")
    assert dim.parents["2001"] == "PRI" and dim.parents["PRI"] == "LA"
    assert dim.leaves == ("2001", "2002", "3001", "3002")
    assert dim.children("LA") == ("PRI", "SEC")
    assert dim.children("2001") == ()
    assert dim.is_leaf("3001") and not dim.is_leaf("SEC")
    assert [dim.depth(c) for c in ("LA", "SEC", "3002")] == [0, 1, 2]
    assert dim.parent("LA") is None


def test_flat_dimension() -> None:
    dim = Dimension.flat("fsm", ["Y", "N"])
    assert dim.codes == ("Total", "N", "Y")
    assert dim.total == "Total"
    assert all(dim.depth(c) == 1 for c in ("N", "Y"))


def test_equal_dimensions_hash_equal_and_pickle() -> None:
    assert schools() == schools()
    assert hash(schools()) == hash(schools())
    assert pickle.loads(pickle.dumps(schools())) == schools()


@pytest.mark.parametrize(
    ("parents", "message"),
    [
        ({"a": "b", "b": "a"}, "cycle"),
        ({"a": "T", "b": "nowhere"}, "unknown parent"),
        ({"T": "T", "a": "T"}, "equals the total"),
    ],
)
def test_malformed_hierarchies_are_rejected(parents: dict[str, str], message: str) -> None:
    with pytest.raises(HierarchyError, match=message):
        Dimension("d", "T", parents)


def test_flat_rejects_duplicates_and_unknown_codes_are_errors() -> None:
    with pytest.raises(HierarchyError, match="duplicate"):
        Dimension.flat("fsm", ["Y", "Y"])
    with pytest.raises(HierarchyError, match="no code"):
        Dimension.flat("fsm", ["Y"]).children("Q")


def test_from_levels_rejects_a_code_with_two_parents() -> None:
    lookup = pl.DataFrame({"phase": ["PRI", "SEC"], "laestab": ["1", "1"]})
    with pytest.raises(HierarchyError, match="two parents"):
        Dimension.from_levels("school", lookup, ["phase", "laestab"], total="LA")


def test_from_levels_rejects_missing_columns_and_nulls() -> None:
    with pytest.raises(HierarchyError, match="no column"):
        Dimension.from_levels("school", pl.DataFrame({"phase": ["P"]}), ["phase", "x"])
    with pytest.raises(HierarchyError, match="null"):
        Dimension.from_levels("school", pl.DataFrame({"phase": ["P", None]}), ["phase"])
