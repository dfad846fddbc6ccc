"""Each release package declares, as data (``ledger.toml``), what the ledger records of its
audited tables: its population's SQL definition and which dimensions are attributes."""

from __future__ import annotations

import importlib
from pathlib import Path

import polars as pl
import pytest

from disclosure import Dimension, Table
from pipeline.releases.ledger import LedgerDeclaration, TableDeclaration, ledger_declaration
from pipeline.releases.registry import RELEASES
from pipeline.releases.spec import ReleaseSpec
from schema.errors import PupilstatsError

PLACES = {"school", "ward", "idaci_quintile"}
"""Where a pupil was counted: never an attribute."""


@pytest.mark.parametrize("spec", RELEASES, ids=[s.name for s in RELEASES])
def test_every_release_declares_its_population_and_attributes(spec: ReleaseSpec) -> None:
    declaration = ledger_declaration(spec)
    assert declaration.source == Path(
        importlib.import_module(f"pipeline.releases.{spec.package}").__file__  # type: ignore[arg-type]
    ).with_name("ledger.toml")
    module, name = declaration.population_sql.rsplit(".", 1)
    assert module.startswith(f"pipeline.releases.{spec.package}.")
    assert "SELECT" in getattr(importlib.import_module(module), name)
    assert declaration.tables
    for entry in declaration.tables:
        assert entry.attributes and not entry.attributes & PLACES
        assert entry.not_attributes <= PLACES
        assert any(entry.pattern.startswith(family) for family in spec.tables)


def table(name: str, *dimensions: str) -> Table:
    frame = pl.DataFrame({d: ["a", "b"] for d in dimensions})
    dims = [Dimension.flat(d, ["a", "b"]) for d in dimensions]
    return Table.from_microdata(name, frame, dims)


def test_a_table_must_match_exactly_one_entry_naming_each_dimension_once() -> None:
    declaration = LedgerDeclaration(
        population_sql="x.SQL",
        tables=(
            TableDeclaration("counts_*", frozenset({"sex"}), frozenset({"school"})),
            TableDeclaration("counts_sex_*", frozenset({"sex"}), frozenset({"school"})),
            TableDeclaration("other", frozenset({"sex"}), frozenset()),
        ),
        source=Path("ledger.toml"),
    )
    assert declaration.attributes_of(table("counts_2025-26", "school", "sex")) == {"sex"}
    with pytest.raises(PupilstatsError, match=r"matches: counts_\*, counts_sex_\*"):
        declaration.attributes_of(table("counts_sex_2025-26", "school", "sex"))
    with pytest.raises(PupilstatsError, match=r"'unknown' must match exactly one .*none"):
        declaration.attributes_of(table("unknown", "sex"))
    with pytest.raises(PupilstatsError, match="must name each dimension of 'other'"):
        declaration.attributes_of(table("other", "school", "sex"))
    with pytest.raises(PupilstatsError, match="must name each dimension of 'counts_x'"):
        declaration.attributes_of(table("counts_x", "school"))
