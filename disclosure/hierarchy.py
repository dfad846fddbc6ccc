"""Hierarchical classification variables (the spanning variables of a table).

A dimension is a tree of codes with one root, the total. Every non-total code has exactly one
parent, and every parent is the sum of its children: the additive structure that secondary
suppression must respect (Hundepool et al., *Statistical Disclosure Control*, 2012, section
4.2 "hierarchical tables"; tau-ARGUS manual, "hierarchical codes", .hrc files).
Method note: ``docs/methods/linked-tables.md``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property

import polars as pl

from disclosure.errors import HierarchyError


@dataclass(frozen=True)
class Dimension:
    """A named hierarchy: ``parents`` maps every non-total code to its parent code.

    Codes are strings. ``codes`` lists them in a fixed order: the total first, then a depth-first
    walk visiting children in sorted order, so a parent always precedes its children. A
    hierarchical spanning variable (Hundepool et al., 2012, 4.3; tau-ARGUS manual, "hierarchical
    codes").
    """

    name: str
    total: str
    parents: Mapping[str, str]

    def __post_init__(self) -> None:
        """Codes as strings; the hierarchy must be a tree rooted at the total (tau-ARGUS
        manual, "hierarchical codes")."""
        object.__setattr__(self, "parents", {str(k): str(v) for k, v in self.parents.items()})
        _validate(self.name, self.total, self.parents)

    def __hash__(self) -> int:
        """Hash by name, total and parent map (dimensions are compared by value)."""
        return hash((self.name, self.total, tuple(sorted(self.parents.items()))))

    # --- constructors -------------------------------------------------------------------------

    @classmethod
    def flat(cls, name: str, codes: Sequence[str], total: str = "Total") -> Dimension:
        """A one-level dimension: every code is a child of ``total`` (a non-hierarchical
        variable with its total, Hundepool et al., 2012, 4.3)."""
        codes = [str(c) for c in codes]
        duplicates = sorted({c for c in codes if codes.count(c) > 1})
        if duplicates:
            raise HierarchyError(f"dimension {name!r}: duplicate codes {duplicates}")
        return cls(name=name, total=total, parents={c: total for c in codes})

    @classmethod
    def from_levels(
        cls, name: str, frame: pl.DataFrame, levels: Sequence[str], total: str = "Total"
    ) -> Dimension:
        """A hierarchy read from a lookup frame with one column per level, coarsest first.

        E.g. ``levels=["phase", "laestab"]``: each school's parent is its phase, each phase's
        parent is ``total``. A code with two different parents, or found at two levels, is an
        error. The levels of a hierarchical code list (tau-ARGUS manual, "hierarchical codes").
        """
        if not levels:
            raise HierarchyError(f"dimension {name!r}: no levels given")
        missing = [c for c in levels if c not in frame.columns]
        if missing:
            raise HierarchyError(f"dimension {name!r}: frame has no column(s) {missing}")
        lookup = frame.select([pl.col(c).cast(pl.Utf8) for c in levels]).unique(maintain_order=True)
        nulls = [c for c in levels if lookup[c].null_count() > 0]
        if nulls:
            raise HierarchyError(f"dimension {name!r}: null codes in level column(s) {nulls}")
        parents: dict[str, str] = {}
        level_of: dict[str, str] = {}
        for depth, column in enumerate(levels):
            pairs = (
                lookup.select(
                    pl.col(column).alias("code"),
                    (pl.col(levels[depth - 1]) if depth else pl.lit(total)).alias("parent"),
                )
                .unique()
                .sort("code", "parent")
            )
            for code, parent in pairs.iter_rows():
                if code in level_of and level_of[code] != column:
                    raise HierarchyError(
                        f"dimension {name!r}: code {code!r} appears at levels "
                        f"{level_of[code]!r} and {column!r}"
                    )
                if code in parents and parents[code] != parent:
                    raise HierarchyError(
                        f"dimension {name!r}: code {code!r} has two parents "
                        f"{parents[code]!r} and {parent!r}"
                    )
                parents[code] = parent
                level_of[code] = column
        return cls(name=name, total=total, parents=parents)

    # --- structure ----------------------------------------------------------------------------

    @cached_property
    def _children(self) -> dict[str, tuple[str, ...]]:
        """Every code's children, sorted (leaves map to an empty tuple)."""
        children: dict[str, list[str]] = {self.total: []}
        for code in self.parents:
            children.setdefault(code, [])
        for code, parent in self.parents.items():
            children[parent].append(code)
        return {code: tuple(sorted(kids)) for code, kids in children.items()}

    @cached_property
    def codes(self) -> tuple[str, ...]:
        """All codes: the total first, then depth-first with children in sorted order (the
        code list of the hierarchy, tau-ARGUS manual, "hierarchical codes")."""
        order: list[str] = []
        stack = [self.total]
        while stack:
            code = stack.pop()
            order.append(code)
            stack.extend(reversed(self._children[code]))
        return tuple(order)

    @cached_property
    def position(self) -> dict[str, int]:
        """Index of each code in :attr:`codes`: its position along the table's axis for this
        dimension (the table structure of Hundepool et al., 2012, 4.3)."""
        return {code: i for i, code in enumerate(self.codes)}

    @cached_property
    def leaves(self) -> tuple[str, ...]:
        """Codes without children, in :attr:`codes` order: the most detailed level of the
        hierarchy (tau-ARGUS manual, "hierarchical codes")."""
        return tuple(c for c in self.codes if not self._children[c])

    def children(self, code: str) -> tuple[str, ...]:
        """The children of ``code``, sorted; empty for a leaf. A parent is the sum of its
        children (the additive relations of Hundepool et al., 2012, 4.3)."""
        self._check(code)
        return self._children[code]

    def parent(self, code: str) -> str | None:
        """The parent of ``code``; None for the total (tau-ARGUS manual, "hierarchical
        codes")."""
        self._check(code)
        return self.parents.get(code)

    def is_leaf(self, code: str) -> bool:
        """Whether ``code`` has no children (a leaf of the hierarchy; tau-ARGUS manual,
        "hierarchical codes")."""
        self._check(code)
        return not self._children[code]

    def depth(self, code: str) -> int:
        """0 for the total, 1 for its children, and so on: the code's level in the hierarchy
        (tau-ARGUS manual, "hierarchical codes"), by which the modular method orders its
        subtables (de Wolf 2002, HiTaS)."""
        self._check(code)
        depth = 0
        while code != self.total:
            code = self.parents[code]
            depth += 1
        return depth

    def _check(self, code: str) -> None:
        """Raise :class:`HierarchyError` when ``code`` is not a code of this dimension."""
        if code not in self._children:
            raise HierarchyError(f"dimension {self.name!r} has no code {code!r}")


def _validate(name: str, total: str, parents: Mapping[str, str]) -> None:
    """Every parent is known, no code equals the total, and every code reaches the total."""
    if not name:
        raise HierarchyError("a dimension needs a name")
    if total in parents:
        raise HierarchyError(f"dimension {name!r}: code {total!r} equals the total")
    unknown = sorted({p for p in parents.values() if p != total and p not in parents})
    if unknown:
        raise HierarchyError(f"dimension {name!r}: unknown parent code(s) {unknown}")
    reaches_total: set[str] = set()
    for start in parents:
        path: list[str] = []
        seen: set[str] = set()
        code = start
        while code != total and code not in reaches_total:
            if code in seen:
                cycle = [*path[path.index(code) :], code]
                raise HierarchyError(f"dimension {name!r}: cycle {' -> '.join(cycle)}")
            seen.add(code)
            path.append(code)
            code = parents[code]
        reaches_total.update(path)
