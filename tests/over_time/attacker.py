"""An independent attacker of published releases, alone or two at a time.

Written apart from the engine on purpose: it imports nothing of ``disclosure`` or
``pipeline`` and reads only what anyone holding the published folders has, each release's
``manifest.json`` and CSVs. It is the attacker of issue 15 ("no two releases together
disclose what neither does alone").

What the attacker knows
-----------------------
* Every additive relation of every table, rebuilt from the manifest's dimensions (each
  code's parent): a parent cell is the sum of its children along one dimension, the other
  coordinates fixed. A relation whose cells are not all in the CSV (e.g. along
  ``academic_year``, whose total the nightly release never publishes) is not used.
* Cells shared by tables of the same population are one cell. A cell is named by its
  population and its non-total coordinates: the funding tables all share the school rolls
  (``school=X`` with every factor at ``Total``), the nightly tables of one family (the
  manifest's ``family``: ``ks2``, ``ks4``, ``absence``) share the cohorts, and a means
  table's ``pupils`` is its counts table's ``outcome=Total``. A table without ``family`` is
  in the release's one population (the funding round).
* A suppressed cell is a non-negative whole number; published cells are constants. Derived
  columns (percentages, intervals, means) are computed from published counts and ignored
  (means of changed cohorts are not modelled). To keep every LP bounded a suppressed cell
  is also at most ten times the sum of the published counts (at least a million), so a cell
  no relation bounds is reported with that as its maximum.
* Two releases of the same flow: cells with the same name are paired and their difference
  ``d = new - old`` is a linear expression of the unknowns. ``removals_only`` (the change
  only removed pupils: ``d <= 0`` in every cell) or ``additions_only`` (``d >= 0``) add what
  an attacker who knows why the release was re-issued knows.

What it computes
----------------
For every suppressed cell of either release the whole numbers it can take (an interval),
and for every paired cell the interval of its difference. Intervals are exact where they
matter: a cell is reported recovered or narrowed, or a difference certain, only when it is
proven (an LP per bound on the target's connected component, and ``scipy.optimize.milp``
when the LP's optimal vertex is not integral). A target is cleared without a proof when
integer solutions of the attacker's system (witnesses) show a cell can be 0 or at least the
threshold and takes two values, or a difference can be 0 (values on both sides of it).
Witnesses come from a few LPs over the whole system, each pushing every target not yet
cleared the way it needs: a cell down to 0 or up to the threshold (the reward stops at the
threshold, so what there is to share is shared), a difference towards 0 (``sum |d|``).
Only what they do not clear is solved target by target: a few dozen LPs for a pair of
nightly releases of 13,000 suppressed cells.

Use the options as an attacker would: pairing every cell of two runs is only sound for two
releases of the same flow and period, and ``removals_only`` only when the change is known
to have taken pupils out (a re-issue after opt-outs, a leaver).

Two flows that count nearly the same pupils under different definitions (funding counts a
pupil at their main school on census day, absence every enrolment with an absence record)
are paired the same way once the older release's cells are named as the newer one names
them (:class:`SamePupils`: its population, its columns and the academic year it counts).
The attacker knows nothing of the change then: some pupils are in one population only.

Entry points: :func:`read_release`, :func:`attack` (one or two release folders),
:func:`attack_release`, :func:`attack_pair`; the result is an :class:`AttackReport`.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import polars as pl
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, linprog, milp
from scipy.sparse.csgraph import connected_components

GEOGRAPHY = ("school", "academic_year")
"""Dimensions that are not attributes of a pupil by default (where and when, not who)."""

CellKey = tuple[str, tuple[tuple[str, str], ...]]
"""A cell's name: its population and its non-total coordinates, sorted by column."""

TOLERANCE = 1e-6
MILP_SECONDS = 20.0


# --------------------------------------------------------------------------------------
# Reading a release


@dataclass(frozen=True)
class Label:
    """Where a cell is published: the first table holding it and its full coordinates."""

    table: str
    coordinates: tuple[tuple[str, str], ...]

    def as_dict(self) -> dict[str, str]:
        return dict(self.coordinates)


@dataclass
class Release:
    """One release as the attacker reads it: every distinct cell's published value (``None``
    when suppressed), the additive relations between cells, and the profile's threshold."""

    path: Path
    flow: str
    threshold: int
    values: dict[CellKey, int | None]
    labels: dict[CellKey, Label]
    relations: set[tuple[CellKey, tuple[CellKey, ...]]]
    tables: dict[str, int]
    """Cells per table."""
    dimensions: dict[str, str]
    """Every dimension column and its total code."""
    revealed: list[CellKey] = field(default_factory=list)
    """Cells suppressed in one table and published in another (known: not a variable)."""

    @property
    def suppressed(self) -> list[CellKey]:
        return [k for k, v in self.values.items() if v is None]


def _cell_value(text: str | None, symbol: str) -> int | None:
    if text is None or text == symbol:
        return None
    return int(text)


def read_release(folder: Path | str) -> Release:
    """Read a release folder (``manifest.json`` and its CSVs) into cells and relations."""
    path = Path(folder)
    manifest = json.loads((path / "manifest.json").read_text(encoding="utf-8"))
    values: dict[CellKey, int | None] = {}
    labels: dict[CellKey, Label] = {}
    relations: set[tuple[CellKey, tuple[CellKey, ...]]] = set()
    revealed: list[CellKey] = []
    tables: dict[str, int] = {}
    totals: dict[str, str] = {}
    thresholds = set()
    for table in manifest["tables"]:
        group = str(table.get("family", ""))
        symbol = table["symbols"]["suppressed"]
        thresholds.add(int(table["threshold"]))
        dims = table["dimensions"]
        columns = [d["column"] for d in dims]
        total = {d["column"]: d["total"] for d in dims}
        for column, code in total.items():
            if totals.setdefault(column, code) != code:
                raise ValueError(f"{path.name}: dimension {column} has two totals")
        measure = table["measure"]["column"]
        frame = pl.read_csv(path / table["file"], infer_schema=False)
        rows = frame.select(*columns, measure).rows()
        tables[table["name"]] = len(rows)

        def key(coords: Sequence[str], group: str = group, columns=columns, total=total) -> CellKey:
            named = ((c, x) for c, x in zip(columns, coords, strict=True) if x != total[c])
            return (group, tuple(sorted(named)))

        index: dict[tuple[str, ...], CellKey] = {}
        for *coords, text in rows:
            coords = tuple(coords)
            cell = key(coords)
            index[coords] = cell
            value = _cell_value(text, symbol)
            if cell not in values:
                values[cell] = value
                labels[cell] = Label(table["name"], tuple(zip(columns, coords, strict=True)))
            elif values[cell] != value:
                if values[cell] is None or value is None:
                    if values[cell] is None:
                        values[cell] = value
                    revealed.append(cell)
                else:
                    raise ValueError(
                        f"{path.name}: cell {cell} is {values[cell]} in one table and {value} "
                        f"in {table['name']}: the tables are not one population"
                    )
        for i, dim in enumerate(dims):
            children: dict[str, list[str]] = {}
            for code, parent in dim["parents"].items():
                children.setdefault(parent, []).append(code)
            for coords, parent_key in index.items():
                kids = children.get(coords[i])
                if not kids:
                    continue
                found = []
                for kid in sorted(kids):
                    child = (*coords[:i], kid, *coords[i + 1 :])
                    if child not in index:
                        break
                    found.append(index[child])
                else:
                    relations.add((parent_key, tuple(sorted(found))))
    if len(thresholds) != 1:
        raise ValueError(f"{path.name}: tables with different thresholds {sorted(thresholds)}")
    return Release(
        path=path,
        flow=str(manifest.get("flow", "")),
        threshold=thresholds.pop(),
        values=values,
        labels=labels,
        relations=relations,
        tables=tables,
        dimensions=totals,
        revealed=sorted(set(revealed)),
    )


@dataclass(frozen=True)
class SamePupils:
    """What an attacker reads in two releases of different flows that count nearly the same
    pupils: the older release's cells named as the newer one names them (its population
    ``group``, its ``columns`` renamed, and ``coordinates`` added, e.g. the academic year
    a census date falls in)."""

    group: str
    columns: dict[str, str]
    coordinates: dict[str, str] = field(default_factory=dict)

    def key(self, key: CellKey) -> CellKey:
        named = [(self.columns.get(c, c), x) for c, x in key[1]]
        return (self.group, tuple(sorted([*named, *self.coordinates.items()])))

    def release(self, release: Release) -> Release:
        """``release`` with every cell named as the other flow names it."""
        return Release(
            path=release.path,
            flow=release.flow,
            threshold=release.threshold,
            values={self.key(k): v for k, v in release.values.items()},
            labels={self.key(k): label for k, label in release.labels.items()},
            relations={
                (self.key(parent), tuple(sorted(self.key(c) for c in children)))
                for parent, children in release.relations
            },
            tables=release.tables,
            dimensions={self.columns.get(c, c): t for c, t in release.dimensions.items()},
            revealed=[self.key(k) for k in release.revealed],
        )


# --------------------------------------------------------------------------------------
# The report


@dataclass(frozen=True)
class SuppressedCell:
    """A suppressed cell of release ``release`` (0: the first/old one, 1: the new one) and the
    whole numbers it can take: ``low..high``. When ``proven`` the bounds are the attacker's
    exact minimum and maximum; otherwise witnesses showed the cell can take ``low`` and
    ``high`` (the true range is at least that wide) and nothing more was needed."""

    release: int
    table: str
    coordinates: dict[str, str]
    low: int
    high: int
    proven: bool
    threshold: int
    by_totals: bool = False
    """Disclosed as well when the new release shows only each place's totals (its attribute
    cells all suppressed): what the change of the totals gives away, whatever the pattern
    (``attack(..., beyond_totals=True)``)."""
    published_before: int | None = None
    """A cell of the new release: the value the old release published for it (None when the
    old release suppressed it or has no such cell). Pinned to an interval holding that
    value, the cell shows what was public already (that it did not change, a change of 0,
    which is free): not disclosed. Releases published exactly (no rounding)."""

    @property
    def recovered(self) -> bool:
        return self.proven and self.low == self.high

    @property
    def narrowed(self) -> bool:
        """Pinned inside 1..threshold-1 without being recovered exactly."""
        return (
            self.proven
            and self.low < self.high
            and self.low >= 1
            and self.high <= self.threshold - 1
        )

    @property
    def shown_before(self) -> bool:
        """Pinned only to what the old release published for the cell."""
        before = self.published_before
        return before is not None and self.low <= before <= self.high

    @property
    def disclosed(self) -> bool:
        return (self.recovered or self.narrowed) and not self.by_totals and not self.shown_before


@dataclass(frozen=True)
class Difference:
    """A cell published (or suppressed) in both releases and what ``new - old`` can be."""

    table: str
    coordinates: dict[str, str]
    old: int | None
    new: int | None
    low: int
    high: int
    proven: bool
    attribute: bool
    """Whether the cell is below the total of some attribute dimension (not only geography)."""
    threshold: int
    by_totals: bool = False
    """Certain and small as well when the new release shows only each place's totals."""

    @property
    def certain(self) -> bool:
        """The attacker knows for certain that the cell changed (its interval excludes 0)."""
        return self.proven and (self.low > 0 or self.high < 0)

    @property
    def small(self) -> bool:
        return -(self.threshold - 1) <= self.low and self.high <= self.threshold - 1

    @property
    def attribute_disclosure(self) -> bool:
        """A changed pupil certainly has this attribute combination: the difference is not
        0 and is fewer than ``threshold`` pupils either way."""
        return self.attribute and self.certain and self.small and not self.by_totals


@dataclass
class AttackReport:
    """What the attacker learned from one release or a pair."""

    releases: list[Path]
    threshold: int
    suppressed: list[SuppressedCell]
    differences: list[Difference]
    """Every paired cell whose difference is not known to be 0 (pairs only)."""
    revealed: list[tuple[int, str, dict[str, str]]]
    """Cells suppressed in one table but published in another of the same release."""
    paired: int = 0
    solves: int = 0
    unsettled: int = 0
    """Bounds whose integer optimum the MILP did not prove in time (the LP bound, rounded,
    is reported: still valid, maybe looser than the attacker's best)."""

    @property
    def recovered(self) -> list[SuppressedCell]:
        return [c for c in self.suppressed if c.recovered]

    @property
    def narrowed(self) -> list[SuppressedCell]:
        return [c for c in self.suppressed if c.narrowed]

    @property
    def disclosed_cells(self) -> list[SuppressedCell]:
        return [c for c in self.suppressed if c.disclosed]

    @property
    def changed(self) -> list[Difference]:
        """Paired cells the attacker knows changed."""
        return [d for d in self.differences if d.certain]

    @property
    def attribute_disclosures(self) -> list[Difference]:
        return [d for d in self.differences if d.attribute_disclosure]

    def summary(self) -> dict[str, int]:
        return {
            "suppressed": len(self.suppressed),
            "recovered": len(self.recovered),
            "narrowed": len(self.narrowed),
            "paired": self.paired,
            "uncertain_or_changed": len(self.differences),
            "changed": len(self.changed),
            "attribute_disclosures": len(self.attribute_disclosures),
            "revealed": len(self.revealed),
            "solves": self.solves,
            "unsettled": self.unsettled,
        }

    def describe(self, limit: int = 20) -> str:
        """A readable account (for assertion messages)."""
        lines = [f"attack on {[p.name for p in self.releases]}: {self.summary()}"]
        for c in self.disclosed_cells[:limit]:
            kind = "recovered" if c.recovered else "narrowed"
            lines.append(
                f"  {kind} (release {c.release}) {c.table} {c.coordinates}: {c.low}..{c.high}"
            )
        for d in self.changed[:limit]:
            lines.append(
                f"  changed {'attribute ' if d.attribute else ''}{d.table} {d.coordinates}: "
                f"{d.old} -> {d.new}, d in {d.low}..{d.high}"
            )
        return "\n".join(lines)


# --------------------------------------------------------------------------------------
# The attacker's system


@dataclass
class _System:
    """Rows ``lo <= A x <= hi`` over the suppressed cells of the releases (``x >= 0``,
    whole numbers, at most ``cap``)."""

    variables: list[tuple[int, CellKey]]
    index: dict[tuple[int, CellKey], int]
    rows: list[tuple[dict[int, float], float, float]]
    cap: float

    def matrix(self) -> tuple[sparse.csr_array, np.ndarray, np.ndarray]:
        data, cols, ptr = [], [], [0]
        lo, hi = [], []
        for coef, low, high in self.rows:
            cols.extend(coef)
            data.extend(coef.values())
            ptr.append(len(cols))
            lo.append(low)
            hi.append(high)
        a = sparse.csr_array(
            (np.array(data, float), np.array(cols, np.int64), np.array(ptr, np.int64)),
            shape=(len(self.rows), len(self.variables)),
        )
        return a, np.array(lo, float), np.array(hi, float)


def _linear(
    terms: Iterable[tuple[int, CellKey, float]],
    releases: Sequence[Release],
    index: dict[tuple[int, CellKey], int],
) -> tuple[dict[int, float], float]:
    """``sum coef * cell`` split into variable coefficients and a constant."""
    coef: dict[int, float] = {}
    constant = 0.0
    for r, key, c in terms:
        value = releases[r].values[key]
        if value is None:
            i = index[(r, key)]
            coef[i] = coef.get(i, 0.0) + c
        else:
            constant += c * value
    return {i: c for i, c in coef.items() if c}, constant


def _system(
    releases: Sequence[Release], removals_only: bool, additions_only: bool, pairs: list[CellKey]
) -> _System:
    variables = [(r, k) for r, rel in enumerate(releases) for k in rel.suppressed]
    index = {v: i for i, v in enumerate(variables)}
    rows: list[tuple[dict[int, float], float, float]] = []
    for r, release in enumerate(releases):
        for parent, children in sorted(release.relations):
            terms = [(r, parent, -1.0)] + [(r, child, 1.0) for child in children]
            coef, constant = _linear(terms, releases, index)
            if coef:
                rows.append((coef, -constant, -constant))
            elif abs(constant) > TOLERANCE:
                raise ValueError(
                    f"{release.path.name}: published cells break the relation {parent} = sum "
                    f"of {children}"
                )
    if len(releases) == 2 and (removals_only or additions_only):
        for key in pairs:
            coef, constant = _linear([(1, key, 1.0), (0, key, -1.0)], releases, index)
            low = -math.inf if removals_only else -constant
            high = -constant if removals_only else math.inf
            if additions_only and removals_only:
                low = high = -constant
            if coef:
                rows.append((coef, low, high))
            elif not low - TOLERANCE <= 0 <= high + TOLERANCE:
                raise ValueError(f"published cell {key} changed against the stated direction")
    published = [v for rel in releases for v in rel.values.values() if v is not None]
    # no suppressed count exceeds ten times everything published (a hidden grand total can
    # exceed every published cell, so the largest published count is no bound)
    cap = float(max(10 * sum(published), 10**6))
    return _System(variables, index, rows, cap)


@dataclass
class _Targets:
    """The expressions whose whole-number range the attacker wants: ``T x + constant``, each
    a suppressed cell (``kind`` 0) or the difference of a paired cell (``kind`` 1), with the
    least and greatest value seen in a witness so far."""

    t: sparse.csr_array
    constant: np.ndarray
    kind: np.ndarray
    threshold: int
    low: np.ndarray = field(init=False)
    high: np.ndarray = field(init=False)

    def __post_init__(self) -> None:
        self.low = np.full(len(self.constant), np.inf)
        self.high = np.full(len(self.constant), -np.inf)
        self.support = abs(self.t)

    def see(self, witness: np.ndarray) -> None:
        """Record a witness (``nan`` for variables it does not cover)."""
        missing = np.isnan(witness)
        values = self.t @ np.where(missing, 0.0, witness) + self.constant
        valid = (self.support @ missing.astype(float)) == 0
        self.low[valid] = np.minimum(self.low[valid], values[valid])
        self.high[valid] = np.maximum(self.high[valid], values[valid])

    def cleared(self, rows: np.ndarray | slice = slice(None)) -> np.ndarray:
        """Targets the witnesses show undisclosed: a cell that takes two values and can be
        0 or at least the threshold; a difference whose range holds 0 (values on both sides
        of it, or 0), so the attacker cannot be sure the cell changed."""
        t = self.threshold
        low, high, kind = self.low[rows], self.high[rows], self.kind[rows]
        cell = (high > low) & ((low <= 0) | (high >= t))
        difference = (low <= 0) & (high >= 0)
        return np.where(kind == 0, cell, difference)


class _Solver:
    """Integer solutions (witnesses) and exact bounds over the attacker's system."""

    def __init__(self, system: _System, targets: _Targets) -> None:
        self.system = system
        self.targets = targets
        self.n = len(system.variables)
        self.a, self.lo, self.hi = system.matrix()
        self.solves = 0
        self.unsettled = 0
        """Bounds the MILP could not settle in time (the LP's, rounded: valid, maybe loose)."""
        self.upper = np.full(self.n, system.cap)
        if not self.n:
            return
        pattern = (self.a != 0).astype(float)
        count, self.component = connected_components(pattern.T @ pattern, directed=False)
        order = np.argsort(self.component, kind="stable")
        splits = np.cumsum(np.bincount(self.component, minlength=count))[:-1]
        self.members = np.split(order, splits)
        first = np.zeros(self.a.shape[0], np.int64)
        coo = self.a.tocoo()
        first[coo.row] = coo.col
        row_component = self.component[first]
        row_order = np.argsort(row_component, kind="stable")
        row_splits = np.cumsum(np.bincount(row_component, minlength=count))[:-1]
        self.rows_of = np.split(row_order, row_splits)

    def _lp(
        self, c: np.ndarray, a: sparse.csr_array, lo: np.ndarray, hi: np.ndarray, upper: np.ndarray
    ) -> np.ndarray:
        """An optimal vertex of ``min c x`` over ``lo <= a x <= hi, 0 <= x <= upper``."""
        self.solves += 1
        eq = np.abs(lo - hi) <= TOLERANCE
        blocks, rhs = [], []
        below = ~eq & np.isfinite(hi)
        above = ~eq & np.isfinite(lo)
        if below.any():
            blocks.append(a[below])
            rhs.append(hi[below])
        if above.any():
            blocks.append(-a[above])
            rhs.append(-lo[above])
        result = linprog(
            c,
            A_ub=sparse.vstack(blocks).tocsr() if blocks else None,
            b_ub=np.concatenate(rhs) if rhs else None,
            A_eq=a[eq] if eq.any() else None,
            b_eq=lo[eq] if eq.any() else None,
            bounds=np.column_stack([np.zeros_like(upper), upper]),
            method="highs",
        )
        if result.status == 2:
            raise ValueError("the attacker's system is infeasible: its model of a release is wrong")
        if result.status != 0:
            raise RuntimeError(f"LP failed: {result.message}")
        return result.x

    def _keep(self, x: np.ndarray, members: np.ndarray | None = None) -> None:
        """Record ``x`` as a witness where it is integral: a whole-system solution on each
        component whose variables are all whole numbers (components share no relation, so
        each is a solution of its own; a fractional value elsewhere, e.g. in a table of
        averages, spoils only its own component); a solution over ``members`` when all of
        it is."""
        rounded = np.round(x)
        fractional = np.abs(x - rounded) > TOLERANCE
        if members is None:
            spoilt = np.isin(self.component, self.component[fractional])
            self.targets.see(np.where(spoilt, np.nan, rounded))
        elif fractional.any():
            return
        else:
            full = np.full(self.n, np.nan)
            full[members] = rounded
            self.targets.see(full)

    def _push(self, up: np.ndarray, down: np.ndarray, towards_zero: np.ndarray) -> None:
        """One whole-system LP: targets ``up`` rewarded for rising, but only up to the
        threshold (``s <= target``, ``0 <= s <= threshold``: what there is to share is
        shared), targets ``down`` for falling, and targets ``towards_zero`` (differences)
        for coming close to 0 (``u >= target``, ``u >= -target``)."""
        t, constant = self.targets.t, self.targets.constant
        k_up, k_zero = len(up), len(towards_zero)
        m = self.a.shape[0]
        blocks = [[self.a, sparse.csr_array((m, k_up)), sparse.csr_array((m, k_zero))]]
        lo, hi = [self.lo], [self.hi]
        if k_up:  # s - target <= constant
            blocks.append([-t[up], sparse.eye_array(k_up), sparse.csr_array((k_up, k_zero))])
            lo.append(np.full(k_up, -np.inf))
            hi.append(constant[up])
        for sign in (-1.0, 1.0) if k_zero else ():  # u + sign * target >= sign * constant
            blocks.append(
                [sign * t[towards_zero], sparse.csr_array((k_zero, k_up)), sparse.eye_array(k_zero)]
            )
            lo.append(sign * constant[towards_zero])
            hi.append(np.full(k_zero, np.inf))
        a = sparse.block_array(blocks, format="csr")
        c = np.concatenate([t[down].T @ np.ones(len(down)), -np.ones(k_up), np.ones(k_zero)])
        upper = np.concatenate(
            [
                self.upper,
                np.full(k_up, float(self.targets.threshold)),
                np.full(k_zero, 2 * self.system.cap),
            ]
        )
        x = self._lp(c, a, np.concatenate(lo), np.concatenate(hi), upper)
        self._keep(x[: self.n])

    def witness_rounds(self, rounds: int = 40, seed: int = 15) -> None:
        """Whole-system LPs whose optimal vertices clear as many targets as they can: each
        round pushes every target not yet cleared the way it needs (a cell down to 0 or up
        to the threshold, at random when either would do; a difference towards 0), until a
        round clears little."""
        if not self.n:
            return
        rng = np.random.default_rng(seed)
        is_cell = self.targets.kind == 0
        threshold = self.targets.threshold
        history: list[int] = []
        for _ in range(rounds):
            open_ = np.flatnonzero(~self.targets.cleared())
            history.append(len(open_))
            if not len(open_) or (len(history) > 2 and history[-1] > 0.95 * history[-3]):
                break
            cells = open_[is_cell[open_]]
            low, high = self.targets.low[cells], self.targets.high[cells]
            coin = rng.random(len(cells)) < 0.5
            up = np.where(low <= 0, True, np.where(high >= threshold, False, coin))
            up = np.where(np.isfinite(low), up, coin)
            self._push(cells[up], cells[~up], open_[~is_cell[open_]])

    def bound(self, row: int, sense: int) -> float:
        """The exact integer minimum (``sense=1``) or maximum (``sense=-1``) of target
        ``row``, solved on the component(s) of its variables: an LP, then a MILP when the
        LP's optimal vertex is not integral (should that fail, the LP bound rounded inwards,
        still a valid bound)."""
        t = self.targets.t[[row]]
        cols = t.indices
        weights = t.data
        constant = float(self.targets.constant[row])
        comps = np.unique(self.component[cols])
        members = np.concatenate([self.members[c] for c in comps])
        rows = np.concatenate([self.rows_of[c] for c in comps])
        position = {int(v): j for j, v in enumerate(members)}
        a = self.a[rows][:, members]
        lo, hi = self.lo[rows], self.hi[rows]
        c = np.zeros(len(members))
        for i, w in zip(cols, weights, strict=True):
            c[position[int(i)]] = sense * w
        upper = self.upper[members]
        x = self._lp(c, a, lo, hi, upper)
        value = float(c @ x)
        if np.any(np.abs(x - np.round(x)) > TOLERANCE):
            self.solves += 1
            result = milp(
                c,
                constraints=[LinearConstraint(a, lo, hi)],
                integrality=np.ones(len(members)),
                bounds=Bounds(np.zeros(len(members)), upper),
                options={"time_limit": MILP_SECONDS},
            )
            if result.status != 0 or result.x is None:
                self.unsettled += 1
                return sense * math.ceil(value - TOLERANCE) + constant
            x, value = result.x, float(result.fun)
        self._keep(x, members)
        return sense * round(value) + constant


def attack(
    folders: Sequence[Path | str],
    *,
    removals_only: bool = False,
    additions_only: bool = False,
    geography: Sequence[str] = GEOGRAPHY,
    beyond_totals: bool = False,
    same_pupils: SamePupils | None = None,
) -> AttackReport:
    """Attack one release, or two releases of the same flow (old, new) together; with
    ``same_pupils``, two releases of flows that count nearly the same pupils (the old
    release's cells named as the new one names them).

    ``geography``: dimensions that are not attributes of a pupil; a difference is an
    attribute disclosure only in a cell below the total of some other dimension.
    ``beyond_totals`` (a pair only): also attack the pair with every attribute cell of the
    new release suppressed (it then shows only how many pupils each place has, which a
    release may show: the run says how many it left out), and mark what that attack
    discloses as well ``by_totals``: a pupil who left a primary school was in key stage
    R-6, whatever the new release suppresses. Only what the new release's pattern adds
    counts as disclosed.
    """
    if not 1 <= len(folders) <= 2:
        raise ValueError("attack one release or a pair")
    releases = [read_release(f) for f in folders]
    if same_pupils is not None:
        releases[0] = same_pupils.release(releases[0])
    report = _attack(releases, removals_only, additions_only, geography)
    # the baseline only marks what the pair discloses: with nothing disclosed, nothing to mark
    to_mark = report.disclosed_cells or report.attribute_disclosures
    if beyond_totals and len(releases) == 2 and to_mark:
        shown = _totals_only(releases[1], geography)
        # only what the pair discloses needs the baseline's exact interval
        focus = {_name(c.release, c.table, c.coordinates) for c in report.disclosed_cells}
        focus |= {_name(1, d.table, d.coordinates) for d in report.attribute_disclosures}
        baseline = _attack(
            [releases[0], shown], removals_only, additions_only, geography, focus=focus
        )
        report = _marked_by_totals(report, baseline)
    return report


def _totals_only(release: Release, geography: Sequence[str]) -> Release:
    """``release`` with every attribute cell (a coordinate below the total of a dimension
    not in ``geography``) suppressed."""
    values = {
        key: None if any(column not in geography for column, _ in key[1]) else value
        for key, value in release.values.items()
    }
    return Release(
        path=release.path,
        flow=release.flow,
        threshold=release.threshold,
        values=values,
        labels=release.labels,
        relations=release.relations,
        tables=release.tables,
        dimensions=release.dimensions,
        revealed=[],
    )


def _name(release: int, table: str, coordinates: dict[str, str]) -> tuple:
    """A cell of release ``release`` (0 old, 1 new) as one hashable name."""
    return (release, table, tuple(sorted(coordinates.items())))


def _marked_by_totals(report: AttackReport, baseline: AttackReport) -> AttackReport:
    """``report`` with each disclosed cell and certain small difference that ``baseline``
    (the new release showing totals only) discloses as well marked ``by_totals``."""

    # the baseline knows no more than the pair (it only suppresses more), so its intervals
    # contain the pair's: the same interval means the pattern added nothing
    cells = {
        _name(c.release, c.table, c.coordinates): (c.low, c.high)
        for c in baseline.suppressed
        if c.recovered or c.narrowed
    }
    changes = {
        _name(1, d.table, d.coordinates): (d.low, d.high)
        for d in baseline.differences
        if d.attribute and d.certain and d.small
    }
    report.suppressed = [
        replace(c, by_totals=cells.get(_name(c.release, c.table, c.coordinates)) == (c.low, c.high))
        for c in report.suppressed
    ]
    report.differences = [
        replace(d, by_totals=changes.get(_name(1, d.table, d.coordinates)) == (d.low, d.high))
        for d in report.differences
    ]
    return report


def _attack(
    releases: list[Release],
    removals_only: bool,
    additions_only: bool,
    geography: Sequence[str],
    focus: set[tuple] | None = None,
) -> AttackReport:
    """The attack of :func:`attack` on releases already read. ``focus``: the names
    (:func:`_name`) of the only cells and differences whose exact interval is wanted; the
    others keep what the witnesses showed (not proven, so never reported disclosed)."""
    threshold = max(r.threshold for r in releases)
    pairs = sorted(set(releases[0].values) & set(releases[1].values)) if len(releases) == 2 else []
    system = _system(releases, removals_only, additions_only, pairs)
    n = len(system.variables)

    # targets: every suppressed cell, then every paired cell whose difference holds a variable
    expressions: list[tuple[dict[int, float], float]] = [({i: 1.0}, 0.0) for i in range(n)]
    known: list[tuple[CellKey, float]] = []
    paired: list[CellKey] = []
    for key in pairs:
        coef, constant = _linear([(1, key, 1.0), (0, key, -1.0)], releases, system.index)
        if coef:
            expressions.append((coef, constant))
            paired.append(key)
        elif constant:
            known.append((key, constant))
    rows, cols, data = [], [], []
    for r, (coef, _) in enumerate(expressions):
        for i, w in coef.items():
            rows.append(r)
            cols.append(i)
            data.append(w)
    targets = _Targets(
        sparse.csr_array((data, (rows, cols)), shape=(len(expressions), n)),
        np.array([c for _, c in expressions], float),
        np.array([0] * n + [1] * len(paired)),
        threshold,
    )
    solver = _Solver(system, targets)
    solver.witness_rounds()

    low = np.full(len(expressions), np.nan)
    high = np.full(len(expressions), np.nan)
    proven = np.zeros(len(expressions), bool)

    def wanted(row: int) -> bool:
        if focus is None:
            return True
        if row < n:
            r, key = system.variables[row]
            label = releases[r].labels[key]
            return _name(r, label.table, label.as_dict()) in focus
        label = releases[1].labels[paired[row - n]]
        return _name(1, label.table, label.as_dict()) in focus

    for row in np.flatnonzero(~targets.cleared()):
        if not wanted(int(row)) or targets.cleared(np.array([row]))[0]:
            continue
        low[row] = solver.bound(row, 1)
        high[row] = solver.bound(row, -1)
        proven[row] = True
    cleared = ~proven
    low[cleared] = targets.low[cleared]
    high[cleared] = targets.high[cleared]

    cells = []
    for i, (r, key) in enumerate(system.variables):
        label = releases[r].labels[key]
        cells.append(
            SuppressedCell(
                r,
                label.table,
                label.as_dict(),
                _int(low[i]),
                _int(high[i]),
                bool(proven[i]),
                threshold,
                published_before=_published_before(releases, r, key),
            )
        )

    def difference(key: CellKey, lo: float, hi: float, exact: bool) -> Difference:
        label = releases[1].labels[key]
        return Difference(
            label.table,
            label.as_dict(),
            releases[0].values[key],
            releases[1].values[key],
            _int(lo),
            _int(hi),
            exact,
            any(column not in geography for column, _ in key[1]),
            threshold,
        )

    differences = [difference(key, c, c, True) for key, c in known]
    differences += [
        difference(key, low[n + j], high[n + j], bool(proven[n + j]))
        for j, key in enumerate(paired)
    ]
    revealed = [
        (r, rel.labels[k].table, rel.labels[k].as_dict())
        for r, rel in enumerate(releases)
        for k in rel.revealed
    ]
    return AttackReport(
        releases=[r.path for r in releases],
        threshold=threshold,
        suppressed=cells,
        differences=differences,
        revealed=revealed,
        paired=len(pairs),
        solves=solver.solves,
        unsettled=solver.unsettled,
    )


def _published_before(releases: list[Release], r: int, key: CellKey) -> int | None:
    """For a cell of the new release of a pair, the value the old release published for it."""
    if r != 1 or len(releases) != 2:
        return None
    value = releases[0].values.get(key)
    return None if value is None else int(value)


def _int(value: float) -> int:
    if math.isinf(value):
        return int(math.copysign(10**12, value))
    return round(value)


def attack_release(folder: Path | str, **options: object) -> AttackReport:
    """The attacker on one release alone."""
    return attack([folder], **options)  # type: ignore[arg-type]


def attack_pair(old: Path | str, new: Path | str, **options: object) -> AttackReport:
    """The attacker on two releases of the same flow together."""
    return attack([old, new], **options)  # type: ignore[arg-type]
