"""Acceptance property: pupils with a research opt-out in force influence no published figure.

For random small boroughs and random sets of opted-out pupils, changing anything about the
opted-out pupils' records (their results, their school, their characteristics, adding more
of them or removing them) changes no byte of any released table. Each example runs the
pipeline's own functions, without Prefect: write the borough's files, load them (parse,
validate, commit), then for every registered release (``pipeline.releases.registry``) run
the steps its flow runs: count its tables, protect and audit them, and turn them into the
published CSV text exactly as the release writer writes it, with the documents beside them.
"""

from __future__ import annotations

import dataclasses
import hashlib
import pickle
import tempfile
from datetime import date, timedelta
from functools import cache
from pathlib import Path

import polars as pl
import pytest
from hypothesis import HealthCheck, Phase, assume, given, settings
from hypothesis import strategies as st
from stdnum.gb import upn as stdnum_upn

from disclosure import Profile
from pipeline.load.inputs import commit_inputs, find_input_files, stage_inputs
from pipeline.profiles import load_profile
from pipeline.releases.registry import RELEASES, release_steps
from pipeline.releases.spec import Counted, ReleaseSteps
from pipeline.store import open_store
from pipeline.synthetic import SyntheticBorough, generate_borough, write_borough
from schema import codes

pytestmark = pytest.mark.slow  # every release's steps on loaded files, twice per example

CENSUS_DATE = date(2025, 10, 2)
SEEDS = (11, 12, 13)
SCHOOLS_KEPT = {"primary": 6, "secondary": 2, "special": 1}
"""About 500-800 pupils: a few schools of an 8,000-pupil borough."""
RESULT_INPUTS = ("ks2", "ks4", "absence", "ncmp")
CHANGES = ("school", "characteristics", "results", "remove")


@cache
def small_borough(seed: int) -> SyntheticBorough:
    """The pupils of a few schools of a generated borough, with their files."""
    full = generate_borough(pupils=8_000, seed=seed, census_date=CENSUS_DATE)
    kept = pl.concat(
        full.schools.filter(pl.col("phase") == phase).sort("laestab").head(n)
        for phase, n in SCHOOLS_KEPT.items()
    )
    census = full.census.filter(pl.col("laestab").is_in(kept["laestab"].implode()))
    upns = census["upn"].unique().implode()
    schools = kept["laestab"].implode()
    return dataclasses.replace(
        full,
        schools=kept,
        census=census,
        consent=full.consent.filter(pl.col("upn").is_in(upns)),
        **{
            name: getattr(full, name).filter(
                pl.col("upn").is_in(upns) & pl.col("laestab").is_in(schools)
            )
            for name in RESULT_INPUTS
        },
    )


def with_opt_outs(borough: SyntheticBorough, upns: list[str]) -> SyntheticBorough:
    """The borough with a research opt-out, in force at the census, for each of ``upns``."""
    recorded = CENSUS_DATE - timedelta(days=30)
    rows = pl.DataFrame(
        {
            "upn": upns,
            "consent_type": ["research_opt_out"] * len(upns),
            "recorded_by": ["parent"] * len(upns),
            "recorded_on": [recorded] * len(upns),
            "effective_from": [recorded] * len(upns),
            "withdrawn_on": [None] * len(upns),
            "source_ref": [f"PT-{i:04d}" for i in range(len(upns))],
        },
        schema=borough.consent.schema,
    )
    return dataclasses.replace(borough, consent=pl.concat([borough.consent, rows]))


def _when(upns: list[str], then: pl.Expr, column: str) -> pl.Expr:
    return pl.when(pl.col("upn").is_in(upns)).then(then).otherwise(pl.col(column)).alias(column)


def change_school(borough: SyntheticBorough, upns: list[str]) -> SyntheticBorough:
    """Move single-registration pupils to another school of the borough (census and results)."""
    single = borough.census.filter(pl.col("upn").is_in(upns))["upn"].value_counts()
    movers = single.filter(pl.col("count") == 1)["upn"].to_list()
    schools = borough.schools.sort("laestab")
    target = schools.row(len(schools) - 1, named=True)
    frames = {
        "census": borough.census.with_columns(
            _when(movers, pl.lit(target["laestab"]), "laestab"),
            _when(movers, pl.lit(target["urn"]), "urn"),
        )
    }
    for name in RESULT_INPUTS:
        frames[name] = getattr(borough, name).with_columns(
            _when(movers, pl.lit(target["laestab"]), "laestab")
        )
    return dataclasses.replace(borough, **frames)


def change_characteristics(borough: SyntheticBorough, upns: list[str]) -> SyntheticBorough:
    census = borough.census.with_columns(
        _when(upns, ~pl.col("fsm_eligible"), "fsm_eligible"),
        _when(upns, ~pl.col("fsm6"), "fsm6"),
        _when(upns, pl.lit("E"), "sen_provision"),
        _when(
            upns,
            pl.when(pl.col("first_language").is_in(list(codes.EAL_CODES)))
            .then(pl.lit("ENG"))
            .otherwise(pl.lit("OTH")),
            "first_language",
        ),
        _when(upns, 1.0 - pl.col("idaci_score"), "idaci_score"),
    )
    return dataclasses.replace(borough, census=census)


def change_results(borough: SyntheticBorough, upns: list[str]) -> SyntheticBorough:
    return dataclasses.replace(
        borough,
        ks2=borough.ks2.with_columns(
            _when(upns, pl.lit(120, pl.Int64), "reading_score"),
            _when(upns, pl.lit(None, pl.Utf8), "reading_code"),
        ),
        ks4=borough.ks4.with_columns(_when(upns, pl.lit(90.0), "attainment8")),
        absence=borough.absence.with_columns(
            _when(upns, pl.lit(0, pl.Int64), "unauthorised_absence")
        ),
        ncmp=borough.ncmp.with_columns(_when(upns, pl.lit(150.0), "weight_kg")),
    )


def remove(borough: SyntheticBorough, upns: list[str]) -> SyntheticBorough:
    """Remove the pupils altogether (their census rows, results and consent rows)."""
    keep = ~pl.col("upn").is_in(upns)
    names = ("census", *RESULT_INPUTS, "consent")
    return dataclasses.replace(borough, **{n: getattr(borough, n).filter(keep) for n in names})


def add_opted_out_pupils(borough: SyntheticBorough, count: int) -> SyntheticBorough:
    """Add ``count`` new pupils (copies of existing census rows under new UPNs), opted out."""
    taken = set(borough.census["upn"].to_list())
    template = borough.census.filter(pl.col("enrolment_status") == "C").head(count)
    new_upns = []
    for row in template.iter_rows(named=True):
        serial = 999
        while True:
            body = row["upn"][1:10] + f"{serial:03d}"
            upn = stdnum_upn.calc_check_digit(body) + body
            if upn not in taken:
                break
            serial -= 1
        taken.add(upn)
        new_upns.append(upn)
    added = template.with_columns(pl.Series("upn", new_upns, dtype=pl.Utf8))
    grown = dataclasses.replace(borough, census=pl.concat([borough.census, added]))
    return with_opt_outs(grown, new_upns)


APPLY = {
    "school": change_school,
    "characteristics": change_characteristics,
    "results": change_results,
    "remove": remove,
}


def _csv(table: pl.DataFrame) -> bytes:
    return table.write_csv(line_terminator="\n").encode("utf-8")


_protected: dict[str, object] = {}
"""Protections by the digest of what they protected: protection is deterministic (same
tables, same pattern: ``tests/flows/test_funding_round.py`` and others), so a borough whose
counted tables are byte for byte those of one protected before (as every changed borough's
should be, opt-outs influencing nothing) reuses that protection instead of solving it again.
Tables that differ in any byte are protected afresh."""


def protected(steps: ReleaseSteps, counted: Counted, profile: Profile) -> object:
    """``steps.protect(counted, profile, {})``, reused for counted tables protected before."""
    key = hashlib.sha256(pickle.dumps((profile.name, counted.detail))).hexdigest()
    if key not in _protected:
        _protected[key] = steps.protect(counted, profile, {})
    return _protected[key]


def released_bytes(borough: SyntheticBorough) -> dict[str, bytes]:
    """Every registered release's published bytes, from the steps its flow runs (count,
    protect and audit, the published tables as the release writer writes them, and the
    documents beside them) under the release's default profile and period."""
    released = {}
    with tempfile.TemporaryDirectory() as work:
        inputs = Path(work) / "inputs"
        write_borough(borough, inputs)
        with open_store(Path(work) / "store" / "pupilstats.duckdb") as con:
            staged = stage_inputs(con, find_input_files(inputs))
            reports = commit_inputs(con, [s.input for s in staged])
            assert all(r.rows_accepted for r in reports if r.input == "census")
            for spec in RELEASES:
                steps = release_steps(spec)
                profile = load_profile(spec.default_profile)
                counted = steps.count(con, spec.period.default, profile, {})
                protection = protected(steps, counted, profile)
                tables = steps.release_tables(counted, protection, profile)
                for table in tables:
                    released[f"{spec.name}/{table.name}"] = _csv(table.cells)
                for name, text in steps.documents(con, counted, profile, tables).items():
                    released[f"{spec.name}/{name}"] = text.encode("utf-8")
    return released


@st.composite
def opt_out_scenarios(draw: st.DrawFn) -> tuple[int, list[str], list[tuple[str, list[str]]], int]:
    """A borough, the pupils opted out in it, what changes about which of them, and how many
    opted-out pupils are added."""
    seed = draw(st.sampled_from(SEEDS))
    upns = sorted(set(small_borough(seed).census["upn"].to_list()))
    opted = draw(st.lists(st.sampled_from(upns), min_size=1, max_size=12, unique=True))
    changes = []
    for change in draw(st.lists(st.sampled_from(CHANGES), min_size=1, max_size=3, unique=True)):
        changes.append((change, draw(st.lists(st.sampled_from(opted), min_size=1, unique=True))))
    added = draw(st.integers(0, 3))
    return seed, opted, changes, added


@settings(
    max_examples=3,
    deadline=None,
    derandomize=True,
    phases=(Phase.explicit, Phase.reuse, Phase.generate),  # no shrinking: each example loads twice
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(opt_out_scenarios())
def test_changing_opted_out_pupils_changes_no_byte_of_any_released_table(
    scenario: tuple[int, list[str], list[tuple[str, list[str]]], int],
) -> None:
    seed, opted, changes, added = scenario
    base = with_opt_outs(small_borough(seed), opted)
    changed = base
    removed: set[str] = set()
    for change, upns in changes:
        present = [u for u in upns if u not in removed]
        changed = APPLY[change](changed, present)
        if change == "remove":
            removed |= set(present)
    changed = add_opted_out_pupils(changed, added)
    assume(any(not base.frames[n].equals(changed.frames[n]) for n in base.frames))
    before, after = released_bytes(base), released_bytes(changed)
    assert before.keys() == after.keys()
    assert {name.split("/")[0] for name in before} == {spec.name for spec in RELEASES}
    for name in before:
        assert before[name] == after[name], name


def test_the_same_changes_to_counted_pupils_do_show() -> None:
    """The control: the pipeline is not blind to such changes; only opt-outs hide them."""
    borough = small_borough(SEEDS[0])
    upns = sorted(borough.census.filter(pl.col("enrolment_status") == "C")["upn"].to_list())
    base = with_opt_outs(borough, upns[:3])
    before = released_bytes(base)
    after = released_bytes(change_results(change_characteristics(base, upns[3:6]), upns[3:40]))
    changed = {name.split("/")[0] for name in before if before[name] != after[name]}
    assert changed == {spec.name for spec in RELEASES}
