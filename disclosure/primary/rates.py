"""The rule for percentages and rates with a small denominator.

A percentage ``numerator / denominator`` of a small group (3 of the 4 pupils of a group
reaching the expected standard) says almost as much as the counts themselves. DfE's statistics
suppress a percentage when its numerator or denominator is 1 or 2, its performance tables
suppress results of cohorts under 6, and NHS England suppresses a percentage when either of
its counts is suppressed (``docs/domain.md``, "Rates and percentages"). Small counts and the
rates derived from them disclose alike (Hundepool et al., 2012, section 5.2 "disclosure
risks"); this is the minimum frequency rule (tau-ARGUS manual) applied to the denominator. A
small *numerator* is a small count, already caught by the minimum frequency rule on the
numerator's own cell.

The table declares the dimension whose categories are the numerators (``Table(...,
attribute="outcome")``): along it every parent code is a denominator and its children are the
numerators. When a denominator ``N`` is ``1 <= N < min_denominator`` every numerator cell below
it is primary (reason ``"rate"``) with upper level 1 and lower level ``min(1, a)``: a
protection interval of one unit each way (Fischetti and Salazar, JASA 2000; tau-ARGUS manual,
"protection levels"), so the attacker can compute no numerator, hence no rate, exactly, nor
pin it from either side. The denominator itself may stay published.
Method note: ``docs/methods/rates.md``.
"""

from __future__ import annotations

import numpy as np

from disclosure.primary.requirements import RuleCells
from disclosure.profile import Profile
from disclosure.table import Table

RATE = "rate"
"""Reason code: a numerator of a rate whose denominator is below the minimum."""


def attribute_groups(table: Table) -> list[tuple[int, np.ndarray]]:
    """The groups along the table's attribute dimension: ``(parent, children)`` flat cell
    indices for every parent code of the attribute and every combination of the other
    dimensions' codes (the additive relations of Hundepool et al., 2012, section 4.3, taken
    along the attribute); empty when the table declares no attribute."""
    axis = table.attribute_axis
    if axis is None:
        return []
    parents, children, axes = table.relation_parts()
    return [
        (int(p), kids)
        for p, kids, along in zip(parents, children, axes, strict=True)
        if int(along) == axis
    ]


def rate_cells(table: Table, profile: Profile) -> RuleCells:
    """The numerator cells of rates whose denominator is below the profile's
    ``min_denominator``, with upper level 1 and lower level ``min(1, a)`` (module docstring;
    Hundepool et al., 2012, 5.2; DfE rate suppression);
    none when the rule is off or the table has no attribute dimension."""
    minimum = profile.min_denominator
    if minimum is None or table.is_magnitude:
        return RuleCells.none(RATE)
    values = table.values.ravel()
    cells = [kids for parent, kids in attribute_groups(table) if 1 <= values[parent] < minimum]
    if not cells:
        return RuleCells.none(RATE)
    marked = np.concatenate(cells)
    return RuleCells.with_levels(
        RATE, marked, upper=1.0, lower=np.minimum(values[marked], 1).astype(float)
    )
