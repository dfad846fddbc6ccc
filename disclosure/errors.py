"""The errors the disclosure library raises: each names the table, cell or code at fault.

They guard the preconditions of the methods in this package: hierarchies that are trees with a total
(tau-ARGUS manual, "hierarchical codes"), additive tables (Hundepool et al., 2012, 4.2.2: the linear
relations between cells), consistent linked tables (section 4.4.3, "linked tables") and feasible
protection (Fischetti and Salazar, JASA 2000).
"""

from __future__ import annotations

from dataclasses import dataclass


class DisclosureError(ValueError):
    """Base class of every error raised by :mod:`disclosure`: each guards a precondition of
    the methods of Hundepool et al., 2012, ch. 4 and 5."""


class HierarchyError(DisclosureError):
    """A dimension's hierarchy is malformed (cycle, unknown parent, code equal to the total):
    it must be a tree rooted at the total (tau-ARGUS manual, "hierarchical codes")."""


class TableError(DisclosureError):
    """A table's input frame does not fit its dimensions (unknown codes, duplicates, nulls):
    a table is one cell per combination of its dimensions' codes (Hundepool et al., 2012, 4.3)."""


@dataclass(frozen=True)
class AdditivityFailure:
    """One additive relation that does not hold: ``parent`` should equal the sum of its children
    along ``dimension``, but holds ``value`` while the children sum to ``children_sum`` (one of
    the additive relations of Hundepool et al., 2012, 4.3)."""

    table: str
    dimension: str
    parent: dict[str, str]
    value: int
    children_sum: int

    def __str__(self) -> str:
        """The failing relation in words: the parent cell, its value and its children's sum."""
        coords = ", ".join(f"{k}={v}" for k, v in self.parent.items())
        return (
            f"{self.table}: cell ({coords}) = {self.value} but its children along "
            f"{self.dimension!r} sum to {self.children_sum}"
        )


class AdditivityError(DisclosureError):
    """Pre-aggregated cells are not additive; ``failures`` lists every failing relation (a
    table's cells must satisfy its additive relations, Hundepool et al., 2012, 4.3)."""

    def __init__(self, failures: list[AdditivityFailure], shown: int = 20) -> None:
        """Hold every failure and show the first ``shown`` in the message."""
        self.failures = failures
        lines = [str(f) for f in failures[:shown]]
        if len(failures) > shown:
            lines.append(f"... and {len(failures) - shown} more")
        super().__init__(f"{len(failures)} additive relation(s) fail:\n" + "\n".join(lines))


class LinkingError(DisclosureError):
    """Tables protected together disagree: a shared dimension's total or a shared cell's value
    (linked tables must agree on the cells they share: tau-ARGUS manual, "linked tables")."""


class ProtectionInfeasibleError(DisclosureError):
    """No suppression pattern can protect a primary cell (e.g. every alternative is forced
    published): the secondary suppression problem of Fischetti and Salazar, JASA 2000, has no
    feasible solution."""
