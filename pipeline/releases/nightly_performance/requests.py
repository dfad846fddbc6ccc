"""Cells the performance release asks the disclosure engine to suppress, whatever their value.

* The accountability limit (docs/domain.md, "DfE": performance tables suppress results of
  cohorts under 6 at institution level): in every by-school table, a school's cell (a school,
  or a group of its pupils) whose cohort is 1 to ``minimum_cohort - 1`` has its cohort and
  both outcome cells requested, so the school's result, percentage and means show ``c``.
  This is an accountability rule for schools, not a confidentiality rule: it does not apply
  to the local authority's cells.
* Means over too few pupils (``means`` module docstring): a cell with pupils whose means
  have fewer than ``threshold`` pupils with a value (none included: "no pupil of this group
  has a score" says something about each of them) has its cohort cell requested, so the mean
  is withheld together with its cohort and the cohort cannot be recovered.

The engine protects each requested cell like a primary one: it is never recovered exactly
from the published cells (``disclosure.protect``, ``requested=``; tau-ARGUS "request"
status).
"""

from __future__ import annotations

import numpy as np
import polars as pl

from disclosure import Table
from pipeline.releases.nightly_performance.means import pupils_column
from pipeline.releases.nightly_performance.measures import OUTCOME, SCHOOL, TOTAL, Family

ACCOUNTABILITY_MINIMUM_COHORT = 6
"""DfE performance tables: cohorts under 6 are suppressed at school level."""


def _axis(table: Table, name: str) -> int:
    return [d.name for d in table.dimensions].index(name)


def _cell_array(table: Table, sums: pl.DataFrame, column: str) -> np.ndarray:
    """``sums[column]`` laid out on the table's (school, breakdown) grid; absent cells 0."""
    school, group = table.dimensions[0], table.dimensions[1]
    grid = np.zeros((len(school.codes), len(group.codes)), dtype=np.int64)
    if sums.height:
        rows = np.array([school.position[c] for c in sums[school.name].to_list()])
        cols = np.array([group.position[c] for c in sums[group.name].to_list()])
        grid[rows, cols] = sums[column].to_numpy()
    return grid


def requested_cells(
    table: Table,
    sums: pl.DataFrame,
    family: Family,
    threshold: int,
    minimum_cohort: int = ACCOUNTABILITY_MINIMUM_COHORT,
) -> np.ndarray:
    """A boolean mask over ``table.cells`` (dimensions school, breakdown, outcome): the cells
    to suppress under the accountability limit and the means rule (module docstring)."""
    if [d.name for d in table.dimensions][::2] != [SCHOOL, OUTCOME]:
        raise ValueError(f"table {table.name!r} is not a (school, breakdown, outcome) table")
    outcome = table.dimensions[_axis(table, OUTCOME)]
    total = outcome.position[TOTAL]
    cohort = table.values[:, :, total]
    school = table.dimensions[0]
    at_school = np.array([code != school.total for code in school.codes])[:, None]
    small_cohort = at_school & (cohort >= 1) & (cohort < minimum_cohort)
    with_value = np.stack([_cell_array(table, sums, pupils_column(m)) for m in family.means])
    few_values = (cohort >= 1) & (with_value < threshold).any(axis=0)
    mask = np.zeros(table.shape, dtype=bool)
    mask |= small_cohort[:, :, None]
    mask[:, :, total] |= few_values
    return mask.ravel()
