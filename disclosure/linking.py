"""Linked tables: one set of unique cells and one system of relations over all of them.

Tables cut from the same population share cells: school X's roll is the cell (school=X,
fsm=Total) of one table and (school=X, eal=Total) of another, and every table's grand total is
the same number. A cell is therefore identified by its non-total coordinates, the set of
(dimension, code) pairs whose code is not that dimension's total. Protecting tables one by one
lets an attacker difference one table against another; protecting them as one problem with the
union of their relations does not (Hundepool et al., 2012, section 4.4.3 "linked tables";
tau-ARGUS manual, "linked tables").

A magnitude table's cells carry its measure in their identity (``("measure", name)`` first), so
a sum of funding and a count of pupils with the same coordinates are different cells; two
magnitude tables of the same measure share cells like count tables do.

This module is the relation builder shared by the protection and the audit.
Method note: ``docs/methods/linked-tables.md``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from disclosure.errors import LinkingError
from disclosure.table import MEASURE_KEY, Table

CellKey = tuple[tuple[str, str], ...]
"""A cell's identity: its sorted (dimension, code) pairs whose code is not the total."""

GRAND_TOTAL_LABEL = "grand total"


def cell_label(key: CellKey) -> str:
    """Readable coordinates, e.g. ``"fsm=Y, school=100001"``; ``"grand total"`` for (): the
    identity of a cell shared by linked tables (tau-ARGUS manual, "linked tables")."""
    return ", ".join(f"{d}={c}" for d, c in key) if key else GRAND_TOTAL_LABEL


@dataclass(frozen=True)
class LinkedCells:
    """The unique cells of a set of linked tables and their joint additive relations
    (tau-ARGUS manual, "linked tables"; the relations of Hundepool et al., 2012, 4.3).

    - ``keys[i]``, ``values[i]``: identity and count of unique cell ``i`` (first-seen order:
      tables in the order given, cells in each table's order).
    - ``cell_of[name][j]``: the unique cell of table ``name``'s cell ``j``.
    - ``tables_of[i]``: the names of the tables holding cell ``i``.
    - ``relations``: sparse ``M`` over unique cells, ``M @ values == 0``; duplicates removed.
    - ``relation_labels[r]``: what row ``r`` says, e.g. "phase=P = sum of its school children".
    - ``contributors[i]``: the number of units in cell ``i`` (the count itself for a count
      cell, the contributor count for a magnitude cell); ``magnitude[i]``: a magnitude cell.
    """

    table_names: tuple[str, ...]
    keys: tuple[CellKey, ...]
    values: np.ndarray
    cell_of: dict[str, np.ndarray]
    tables_of: tuple[tuple[str, ...], ...]
    relations: sp.csr_matrix
    relation_labels: tuple[str, ...]
    contributors: np.ndarray
    magnitude: np.ndarray

    @property
    def size(self) -> int:
        """The number of unique cells: the variables of the attacker's problem (Hundepool et
        al., 2012, 4.3.2) over all linked tables."""
        return len(self.keys)

    def label(self, cell: int) -> str:
        """Readable coordinates of unique cell ``cell`` of the linked tables (tau-ARGUS
        manual, "linked tables")."""
        return cell_label(self.keys[cell])

    def is_grand_total(self, cell: int) -> bool:
        """Whether unique cell ``cell`` is a grand total (every dimension at its total; a
        magnitude table's grand total carries only its measure): the cell linked tables of
        one kind share (tau-ARGUS manual, "linked tables")."""
        return all(dim == MEASURE_KEY for dim, _ in self.keys[cell])


def link_tables(tables: Sequence[Table]) -> LinkedCells:
    """Identify shared cells across ``tables`` and stack their relations, so that linked tables
    are protected as one problem (tau-ARGUS manual, "linked tables").

    Raises :class:`LinkingError` when table names repeat, a dimension name has two different
    totals, or one cell has two different values in two tables.
    """
    tables = list(tables)
    if not tables:
        raise LinkingError("no tables to link")
    names = [t.name for t in tables]
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        raise LinkingError(f"table names must be unique; repeated: {repeated}")
    _check_totals(tables)

    index: dict[CellKey, int] = {}
    keys: list[CellKey] = []
    values: list[int] = []
    contributors: list[int] = []
    magnitude: list[bool] = []
    tables_of: list[list[str]] = []
    cell_of: dict[str, np.ndarray] = {}
    for table in tables:
        mapping = np.empty(table.size, dtype=np.int64)
        units = table.contributors.ravel()
        cells = zip(_cell_keys(table), table.values.ravel(), units, strict=True)
        for j, (key, value, unit) in enumerate(cells):
            i = index.get(key)
            if i is None:
                i = index[key] = len(keys)
                keys.append(key)
                values.append(int(value))
                contributors.append(int(unit))
                magnitude.append(table.is_magnitude)
                tables_of.append([table.name])
            else:
                if values[i] != int(value) or contributors[i] != int(unit):
                    were, now = str(values[i]), str(int(value))
                    if table.is_magnitude:
                        were += f" ({contributors[i]} contributors)"
                        now += f" ({int(unit)} contributors)"
                    raise LinkingError(
                        f"cell ({cell_label(key)}) is {were} in table(s) "
                        f"{', '.join(tables_of[i])} but {now} in table {table.name!r}"
                    )
                if tables_of[i][-1] != table.name:
                    tables_of[i].append(table.name)
            mapping[j] = i
        cell_of[table.name] = mapping

    relations, labels = _joint_relations(tables, cell_of, keys)
    return LinkedCells(
        table_names=tuple(names),
        keys=tuple(keys),
        values=np.array(values, dtype=np.int64),
        cell_of=cell_of,
        tables_of=tuple(tuple(t) for t in tables_of),
        relations=relations,
        relation_labels=tuple(labels),
        contributors=np.array(contributors, dtype=np.int64),
        magnitude=np.array(magnitude, dtype=bool),
    )


def _check_totals(tables: list[Table]) -> None:
    """A dimension name must have one total code across linked tables (tau-ARGUS, "linked
    tables")."""
    totals: dict[str, tuple[str, str]] = {}
    for table in tables:
        for dim in table.dimensions:
            seen = totals.setdefault(dim.name, (dim.total, table.name))
            if seen[0] != dim.total:
                raise LinkingError(
                    f"dimension {dim.name!r} has total {seen[0]!r} in table {seen[1]!r} "
                    f"but {dim.total!r} in table {table.name!r}"
                )


def _cell_keys(table: Table) -> list[CellKey]:
    """Each cell's identity, in the table's cell order (a magnitude table's measure first)."""
    keys: list[CellKey] = []
    prefix = [(MEASURE_KEY, table.measure)] if table.measure is not None else []
    order = sorted(range(len(table.dimensions)), key=lambda a: table.dimensions[a].name)
    for position in np.ndindex(*table.shape):
        key = list(prefix)
        for axis in order:
            dim = table.dimensions[axis]
            code = dim.codes[position[axis]]
            if code != dim.total:
                key.append((dim.name, code))
        keys.append(tuple(key))
    return keys


def _joint_relations(
    tables: list[Table], cell_of: dict[str, np.ndarray], keys: list[CellKey]
) -> tuple[sp.csr_matrix, list[str]]:
    """Every table's relations mapped onto unique cells, each distinct relation once."""
    seen: set[tuple[int, ...]] = set()
    indptr = [0]
    indices: list[np.ndarray] = []
    data: list[np.ndarray] = []
    labels: list[str] = []
    for table in tables:
        mapping = cell_of[table.name]
        parents, children, axes = table.relation_parts()
        for parent, kids, axis in zip(parents, children, axes, strict=True):
            p = int(mapping[parent])
            k = np.sort(mapping[kids])
            signature = (p, *k.tolist())
            if signature in seen:
                continue
            seen.add(signature)
            indices.append(np.concatenate([[p], k]))
            data.append(np.concatenate([[1.0], -np.ones(len(k))]))
            indptr.append(indptr[-1] + 1 + len(k))
            dim = table.dimensions[int(axis)].name
            labels.append(f"({cell_label(keys[p])}) = sum of its {dim} children")
    if not labels:
        return sp.csr_matrix((0, len(keys))), labels
    matrix = sp.csr_matrix(
        (np.concatenate(data), np.concatenate(indices).astype(np.int64), np.array(indptr)),
        shape=(len(labels), len(keys)),
    )
    return matrix, labels
