"""An opted-out pupil influences no published figure of the funding round.

Three releases of the same synthetic borough through the real flow:

* A: as generated;
* B: one opted-out pupil's census record changed (another school, other characteristics):
  every table must be byte-identical to A, because the pupil is in no statistic;
* C: that pupil's opt-out removed from the consent register: the pupil now counts, so the
  tables may differ from A, but only in cells the pupil counts in (where the published count
  goes up by one) or in cells whose suppression changed because of it.
"""

from __future__ import annotations

import csv
import dataclasses
import json
from datetime import date
from pathlib import Path

import polars as pl
import pytest

from pipeline.releases.funding_round.tables import FUNDING_FACTORS
from pipeline.synthetic import SyntheticBorough, generate_borough, write_borough
from schema import codes

CENSUS_DATE = date(2025, 10, 2)
SYMBOL = "c"


def run_release(borough: SyntheticBorough, work: Path) -> Path:
    from flows.releases import RELEASE_FLOWS

    inputs = work / "inputs"
    write_borough(borough, inputs)
    result = RELEASE_FLOWS["funding-round"](
        period=CENSUS_DATE.isoformat(),
        input_dir=inputs,
        db=work / "store.duckdb",
        reports=work / "reports",
    )
    return result.release


def read_tables(release: Path) -> dict[str, dict[tuple[str, ...], str]]:
    """Every released table as {dimension codes: published text}."""
    manifest = json.loads((release / "manifest.json").read_text())
    tables = {}
    for entry in manifest["tables"]:
        dims = [d["column"] for d in entry["dimensions"]]
        measure = entry["measure"]["column"]
        with (release / entry["file"]).open(newline="") as handle:
            tables[entry["name"]] = {
                tuple(row[d] for d in dims): row[measure] for row in csv.DictReader(handle)
            }
    return tables


def opted_out_funded_pupil(borough: SyntheticBorough) -> str:
    """A pupil with a research opt-out in force at the census who would otherwise be counted."""
    in_force = borough.consent.filter(
        (pl.col("consent_type") == "research_opt_out")
        & (pl.col("effective_from") <= CENSUS_DATE)
        & (pl.col("withdrawn_on").is_null() | (pl.col("withdrawn_on") > CENSUS_DATE))
    )["upn"]
    funded = borough.census.filter(
        pl.col("upn").is_in(in_force.implode())
        & pl.col("enrolment_status").is_in(["C", "M"])
        & pl.col("nc_year").is_in([y for y, s in codes.KEY_STAGE_OF_NC_YEAR.items() if s != "KS5"])
        & (pl.col("upn").is_unique())
    )
    return funded.sort("upn")["upn"][0]


def cells_counting(borough: SyntheticBorough, upn: str) -> dict[str, set[tuple[str, str]]]:
    """Per funding table, the (school, category) cells the pupil is counted in."""
    pupil = borough.census.filter(pl.col("upn") == upn).row(0, named=True)
    school = pupil["laestab"]
    phase = borough.schools.filter(pl.col("laestab") == school)["phase"][0]
    category = {
        "key_stage": codes.KEY_STAGE_OF_NC_YEAR[pupil["nc_year"]],
        "fsm": "Y" if pupil["fsm_eligible"] else "N",
        "fsm6": "Y" if pupil["fsm6"] else "N",
        "eal": "Y" if pupil["first_language"] in codes.EAL_CODES else "N",
        "sen_provision": pupil["sen_provision"],
        "idaci_band": codes.idaci_band(pupil["idaci_score"]),
    }
    return {
        factor.table: {
            (s, c) for s in ("Total", phase, school) for c in ("Total", category[factor.column])
        }
        for factor in FUNDING_FACTORS
    }


@pytest.fixture(scope="module")
def borough() -> SyntheticBorough:
    return generate_borough(pupils=2_500, seed=23)


@pytest.fixture(scope="module")
def release_a(
    prefect_harness: None, borough: SyntheticBorough, tmp_path_factory: pytest.TempPathFactory
) -> Path:
    """The release of the borough as generated."""
    return run_release(borough, tmp_path_factory.mktemp("a"))


def test_changing_an_opted_out_pupil_changes_no_byte(
    borough: SyntheticBorough, release_a: Path, tmp_path: Path
) -> None:
    upn = opted_out_funded_pupil(borough)
    pupil = borough.census.filter(pl.col("upn") == upn).row(0, named=True)
    phase_of = dict(borough.schools.select("laestab", "phase").iter_rows())
    other_school = next(
        s
        for s in sorted(phase_of)
        if s != pupil["laestab"] and phase_of[s] == phase_of[pupil["laestab"]]
    )
    changed = borough.census.with_columns(
        pl.when(pl.col("upn") == upn)
        .then(pl.lit(other_school))
        .otherwise(pl.col("laestab"))
        .alias("laestab"),
        pl.when(pl.col("upn") == upn)
        .then(~pl.col("fsm_eligible"))
        .otherwise(pl.col("fsm_eligible"))
        .alias("fsm_eligible"),
        pl.when(pl.col("upn") == upn)
        .then(pl.lit("E"))
        .otherwise(pl.col("sen_provision"))
        .alias("sen_provision"),
    )
    first = release_a
    second = run_release(dataclasses.replace(borough, census=changed), tmp_path / "b")
    names = sorted(str(p.relative_to(first)) for p in first.rglob("*.csv"))
    assert names == sorted(str(p.relative_to(second)) for p in second.rglob("*.csv"))
    assert [n for n in names if n.startswith("open-data/")], "the EES files are compared too"
    for name in [*names, "release.xlsx"]:
        assert (first / name).read_bytes() == (second / name).read_bytes(), name


def test_lifting_the_opt_out_changes_only_the_pupils_cells(
    borough: SyntheticBorough, release_a: Path, tmp_path: Path
) -> None:
    upn = opted_out_funded_pupil(borough)
    without_opt_out = borough.consent.filter(
        ~((pl.col("upn") == upn) & (pl.col("consent_type") == "research_opt_out"))
    )
    before = read_tables(release_a)
    after = read_tables(
        run_release(dataclasses.replace(borough, consent=without_opt_out), tmp_path / "c")
    )
    counted = cells_counting(borough, upn)
    assert before.keys() == after.keys()
    for name, cells in before.items():
        assert cells.keys() == after[name].keys(), name
        for cell, was in cells.items():
            now = after[name][cell]
            suppressed = SYMBOL in (was, now)
            if cell in counted[name] and not suppressed:
                assert int(now) == int(was) + 1, (name, cell, was, now)
            elif not suppressed:
                assert now == was, (name, cell, was, now)
        # the LA total is never suppressed and always counts the pupil
        assert int(after[name][("Total", "Total")]) == int(cells[("Total", "Total")]) + 1
