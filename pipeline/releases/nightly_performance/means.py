"""Means (average scaled scores, Attainment 8, Progress 8, absence rate) and why publishing
them beside their cohort cannot recover a suppressed group.

A mean is published in the cell of a count table's cohort (``outcome`` = ``Total``) and only
when that cohort count is published, it is over at least ``threshold`` pupils with a value,
and (by school) the cohort is not under the accountability limit. Cells with pupils that
break either of the last two conditions have their cohort cell *requested* for suppression
(``requests.requested_cells``), so the cells whose means are withheld are exactly the
suppressed cohort cells of the protected count tables (and the empty cells, ``z``: a sum
of nobody is 0 and says nothing about anyone).

Why this is safe. Assume the worst attacker, who knows every published mean *and* the
number of pupils behind it, hence every published cell's sum ``s_i`` (of scores, Attainment 8,
Progress 8, sessions missed or possible). Sums add up along the same hierarchies as the
counts: a school's sum over its groups is the school's sum, the LA's sum is the sum over its
schools. The sums therefore satisfy ``M_T s = 0``, where ``M_T`` is the set of additive
relations of the count tables restricted to their cohort slice (``outcome`` = ``Total``),
and the attacker knows ``s`` exactly on the published cohort cells. A suppressed sum ``s_p``
is recoverable exactly only if some combination of those relations involves ``p`` and
published cells alone. The count tables' relations ``M`` contain every relation of ``M_T``
(on the cohort cells, which have the same coordinates and the same published/suppressed
pattern) plus the outcome relations ``Total = met + not_met``. Any combination that pins
``s_p`` in the sum system is also a combination of ``M`` pinning the cohort count ``n_p``
from published counts, which the protection and its audit rule out for every suppressed
cell. Hence no suppressed mean's sum can be differenced out, and a mean over fewer than
``threshold`` pupils is never published nor recoverable. (Value bounds, e.g. a scaled score
of at least 80, only bound a suppressed sum to an interval, never pin it, unless every pupil
of the cells involved sits at the bound.) Means of different years or families are of
different pupils and share no relation.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import ROUND_HALF_UP, Decimal

import numpy as np
import polars as pl

from disclosure import Dimension
from pipeline.releases.nightly_performance.measures import MeanSpec

NOT_APPLICABLE = "z"
"""GSS symbol for a mean of no pupils (no pupil of the cell has a value)."""


def round_half_up(value: float, decimals: int) -> str:
    """``value`` as text with ``decimals`` decimals, halves rounded up as DfE rounds
    (``dfeR::round_five_up``), not to even: 100.25 -> ``100.3``."""
    step = Decimal(1).scaleb(-decimals)
    rounded = Decimal(repr(float(value))).quantize(step, rounding=ROUND_HALF_UP)
    return str(abs(rounded) if rounded == 0 else rounded)


def pupils_column(mean: MeanSpec) -> str:
    """The cell column counting the pupils with a value of ``mean``."""
    return f"{mean.column}__n"


def numerator_column(mean: MeanSpec) -> str:
    return f"{mean.column}__sum"


def denominator_column(mean: MeanSpec) -> str:
    return f"{mean.column}__den"


def _ancestors(dimension: Dimension, code: str) -> list[str]:
    chain = [code]
    parent = dimension.parent(code)
    while parent is not None:
        chain.append(parent)
        parent = dimension.parent(parent)
    return chain


def cell_sums(
    frame: pl.DataFrame,
    dimensions: Sequence[Dimension],
    columns: Mapping[str, str],
    means: Sequence[MeanSpec],
) -> pl.DataFrame:
    """Per cell of ``dimensions`` (totals included; cells without pupils absent): for each
    mean the pupils with a value, the sum of its numerator and of its denominator (the
    pupils with a value when the mean has no denominator column). ``columns`` maps a
    dimension to the frame column holding its leaf codes (default: the same name)."""
    names = [d.name for d in dimensions]
    values = list(
        dict.fromkeys(
            [m.numerator for m in means] + [m.denominator for m in means if m.denominator]
        )
    )
    data = frame.select(
        *[pl.col(columns.get(d.name, d.name)).cast(pl.Utf8).alias(d.name) for d in dimensions],
        *values,
    )
    for dim in dimensions:
        lookup = pl.DataFrame(
            {dim.name: list(dim.leaves), "__up": [_ancestors(dim, c) for c in dim.leaves]},
            schema={dim.name: pl.Utf8, "__up": pl.List(pl.Utf8)},
        )
        data = (
            data.join(lookup, on=dim.name, how="inner")
            .drop(dim.name)
            .explode("__up")
            .rename({"__up": dim.name})
        )
    aggregates: list[pl.Expr] = []
    for mean in means:
        has_value = pl.col(mean.numerator).is_not_null()
        aggregates += [
            has_value.sum().cast(pl.Int64).alias(pupils_column(mean)),
            pl.col(mean.numerator).sum().alias(numerator_column(mean)),
            (
                pl.col(mean.denominator).filter(has_value).sum()
                if mean.denominator
                else has_value.sum().cast(pl.Float64)
            ).alias(denominator_column(mean)),
        ]
    return data.group_by(names).agg(aggregates).sort(names)


def smallest_pupils(sums: pl.DataFrame, means: Sequence[MeanSpec]) -> pl.Series:
    """Per cell, the fewest pupils with a value over the means (0 counts too)."""
    return sums.select(pl.min_horizontal(*[pupils_column(m) for m in means])).to_series()


def published_means(
    cohort: pl.DataFrame,
    sums: pl.DataFrame,
    keys: Sequence[str],
    cohort_column: str,
    means: Sequence[MeanSpec],
    symbol: str,
    threshold: int,
) -> pl.DataFrame:
    """``cohort`` (one row per cell: ``keys`` and the published cohort text) with one text
    column per mean: the suppression ``symbol`` when the cohort is suppressed or 1 to
    ``threshold - 1`` pupils have a value, :data:`NOT_APPLICABLE` when none has (the cohort
    of a cell with pupils but no value is requested for suppression, so this is left for
    empty cells), else the mean rounded half up to the mean's decimals."""
    joined = cohort.join(sums, on=list(keys), how="left", maintain_order="left")
    suppressed = (joined[cohort_column] == symbol).to_numpy()
    columns = []
    for mean in means:
        n = joined[pupils_column(mean)].fill_null(0).to_numpy()
        total = joined[numerator_column(mean)].fill_null(0.0).to_numpy()
        over = joined[denominator_column(mean)].fill_null(0.0).to_numpy()
        with np.errstate(divide="ignore", invalid="ignore"):
            value = mean.scale * total / over
        shown = np.array(
            [round_half_up(v, mean.decimals) for v in np.nan_to_num(value)], dtype=object
        )
        empty = (n == 0) | (over <= 0)
        text = np.where(
            suppressed | (~empty & (n < threshold)),
            symbol,
            np.where(empty, NOT_APPLICABLE, shown),
        )
        columns.append(pl.Series(mean.column, text.tolist(), dtype=pl.Utf8))
    return cohort.with_columns(columns)
