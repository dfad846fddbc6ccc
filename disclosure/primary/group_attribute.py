"""Group attribute disclosure: a small group whose units all, or all but ``k``, share one
category of an attribute.

"Learning a new attribute about an identifiable group ... can occur when all respondents fall
into a subset of categories for a particular variable"; it "does not require individual
identification", and when all but one fall in one category the one knows all the others'
category ("within-group disclosure"); protection means introducing "ambiguity in the zeros"
(Hundepool et al., *Statistical Disclosure Control*, 2012, section 5.2 "disclosure risks",
table "marital status by hours worked": married 6 full time, 0 part time). If the 4 SEN
pupils of a school all fail a measure, "4 SEN pupils, 0 reached the standard" discloses each
pupil's result although no count is small.

The rule looks at groups along the table's attribute dimension (``Table(...,
attribute="outcome")``): every parent code of the attribute (the group total ``N``) with its
children (the categories), for every combination of the other dimensions' codes. A group is
checked when ``1 <= N <= group_attribute_max_total``; it is disclosive when some category
``d`` holds ``a_d >= N - k`` units (``k`` = ``group_attribute_k``: 0 = "all", 1 = "all but
one", the within-group case).

Which cells are primary, and with what level. The disclosure is the statement
``N - a_d <= k``, i.e. that the *other* categories of the group together hold at most ``k``
units. Let ``o`` be the largest other category (the first in code order on ties); it holds
``a_o <= k``. ``o`` is primary (reason ``"group"``) with upper protection level

    UPL_o = k + 1 - a_o,

so some table consistent with everything published has ``y_o >= k + 1``, hence
``y_N - y_d >= k + 1``: the attacker cannot prove "all but k", whatever happens to the group
total or the dominant cell. (A lower protection level on the dominant cell ``d`` would only
do so when the group total is published; the upper level on the complement does so always,
and forces ``d`` or ``N`` to be suppressed too whenever both would otherwise pin ``o``.) With
two categories (reached / not reached) ``o`` is simply the other category; with more, one
complement cell reaching ``k + 1`` is enough. Groups with ``N <= k`` reveal "all but k" for
every category, so every category gets the level.
Method note: ``docs/methods/group-attribute.md``.
"""

from __future__ import annotations

import numpy as np

from disclosure.primary.rates import attribute_groups
from disclosure.primary.requirements import RuleCells
from disclosure.profile import Profile
from disclosure.table import Table

GROUP = "group"
"""Reason code: the complement of a category holding all or all but k of a small group."""


def group_attribute_levels(total: int, counts: np.ndarray, k: int) -> dict[int, float]:
    """For one group of ``total`` units split into categories ``counts``: the positions (in
    ``counts``) of the complement cells to protect, with their upper protection levels
    ``k + 1 - a_o`` (module docstring; group attribute disclosure, Hundepool et al., 2012, 5.2);
    empty when no category holds ``total - k`` or more."""
    counts = np.asarray(counts, dtype=np.int64)
    levels: dict[int, float] = {}
    if len(counts) < 2:
        return levels
    for d in np.flatnonzero(counts >= total - k):
        others = np.delete(np.arange(len(counts)), d)
        o = int(others[np.argmax(counts[others])])
        levels[o] = max(levels.get(o, 0.0), float(k + 1 - counts[o]))
    return levels


def group_attribute_cells(table: Table, profile: Profile) -> RuleCells:
    """The complement cells of every disclosive small group along the table's attribute
    dimension, with upper protection levels ``k + 1 - a_o`` (module docstring; Hundepool et al.,
    2012, 5.2); none when the rule is off or the table has no attribute dimension."""
    largest_group = profile.group_attribute_max_total
    if largest_group is None or table.is_magnitude:
        return RuleCells.none(GROUP)
    k = profile.group_attribute_k
    values = table.values.ravel()
    cells: dict[int, float] = {}
    for parent, kids in attribute_groups(table):
        total = int(values[parent])
        if not 1 <= total <= largest_group:
            continue
        for position, level in group_attribute_levels(total, values[kids], k).items():
            cell = int(kids[position])
            cells[cell] = max(cells.get(cell, 0.0), level)
    if not cells:
        return RuleCells.none(GROUP)
    marked = np.array(sorted(cells), dtype=np.int64)
    return RuleCells.with_levels(GROUP, marked, upper=np.array([cells[c] for c in marked]))
