"""Issue 15: releases over time. Every release passes the audit alone; these tests give two
real releases of the same flow (``scenarios``) to the independent attacker (``attacker``),
which holds only the published folders, and check what it learns against the truth.

The funding round and the nightly release apply the difference rule (the releases as the
flows make them): a re-issue after an opt-out, a night after a leaver and a night after a
back-dated opt-out let the attacker learn nothing beyond what the change of each place's
total shows (``beyond_totals``: a pupil who left a primary school was in key stage R-6
whatever is suppressed), no attribute of the pupil and no suppressed cell; the same runs
protected as if the ledger were empty (``difference_rule=False``) disclose, so the tests can
fail. The controls hold and must keep holding: unchanged input changes no byte, and a change
of at least the threshold in every cell it touches is published without extra suppression
and discloses nothing.

Scenario 4 of the issue (the funding round against the nightly absence tables: two
definitions of nearly the same pupils) is in ``test_near_equal_populations``.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import polars as pl
import pytest
from attacker import GEOGRAPHY, AttackReport, attack_pair, attack_release
from scenarios import (
    EARLIER_YEAR,
    FUNDING_ATTRIBUTES,
    LATEST_YEAR,
    NIGHTLY_ATTRIBUTES,
    Scenario,
    funding_after_group_opt_out,
    funding_reissue_after_opt_out,
    funding_rerun_unchanged,
    nightly_after_a_leaver,
    nightly_after_backdated_opt_out,
    nightly_store,
)

from schema import codes

TOTAL = "Total"


# --------------------------------------------------------------------------------------
# What the attacker learned, against the truth


def family_of(table: str) -> str:
    """``ks2`` of ``ks2_expected_sex``, ``funding`` of ``funding_sen``."""
    return table.split("_")[0]


def disclosed_attributes(report: AttackReport, family: str) -> dict[str, set[str]]:
    """Per attribute dimension, the codes the attacker knows a changed pupil has (cells of
    ``family``'s tables whose difference is certain and smaller than the threshold)."""
    found: dict[str, set[str]] = defaultdict(set)
    for d in report.attribute_disclosures:
        if family_of(d.table) != family:
            continue
        for column, code in d.coordinates.items():
            if column not in GEOGRAPHY and code != TOTAL:
                found[column].add(code)
    return dict(found)


def truth(counted: pl.DataFrame, coordinates: dict[str, str]) -> int:
    """The true count of a cell from the counted pupils (no identifiers)."""
    frame = counted
    for column, code in coordinates.items():
        if code == TOTAL or column == "academic_year":
            continue
        if column == "school" and code in codes.PHASES:
            frame = frame.filter(pl.col("phase") == code)
        else:
            frame = frame.filter(pl.col(column) == code)
    return frame.height


def assert_nothing_disclosed(report: AttackReport) -> None:
    """No suppressed cell recovered or narrowed, no attribute of a changed pupil certain."""
    assert report.unsettled == 0, report.describe()
    assert report.disclosed_cells == [], report.describe()
    assert report.attribute_disclosures == [], report.describe()


def assert_recoveries_are_true(report: AttackReport, scenario: Scenario, family: str) -> int:
    """Every recovered cell of ``family`` (of the scenario's year, if it has one) holds its
    true value in its release; return how many were checked."""
    checked = 0
    year = scenario.notes.get("academic_year")
    for cell in report.recovered:
        if family_of(cell.table) != family:
            continue
        if year is not None and cell.coordinates.get("academic_year") != year:
            continue
        counted = scenario.notes["counted"][cell.release]
        assert cell.low == truth(counted, cell.coordinates), (cell, report.describe())
        checked += 1
    return checked


def published_pattern(folder: Path) -> set[tuple[str, ...]]:
    """Every suppressed cell of a release: (table, coordinates...)."""
    manifest = json.loads((folder / "manifest.json").read_text())
    hidden = set()
    for table in manifest["tables"]:
        columns = [d["column"] for d in table["dimensions"]]
        measure = table["measure"]["column"]
        frame = pl.read_csv(folder / table["file"], infer_schema=False)
        symbol = table["symbols"]["suppressed"]
        hidden |= {
            (table["name"], *row[:-1])
            for row in frame.select(*columns, measure).rows()
            if row[-1] == symbol
        }
    return hidden


def release_files(folder: Path) -> dict[str, bytes]:
    """Every file of a release but its manifest (which names the release and its time), with
    those of its subfolders (``open-data/``), by path within the release."""
    return {
        str(p.relative_to(folder)): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.name != "manifest.json"
    }


# --------------------------------------------------------------------------------------
# Scenario 1: the funding round re-issued after one opt-out


@pytest.fixture(scope="module")
def reissue(tmp_path_factory: pytest.TempPathFactory) -> Scenario:
    return funding_reissue_after_opt_out(tmp_path_factory.mktemp("reissue"))


@pytest.fixture(scope="module")
def reissue_without_rule(tmp_path_factory: pytest.TempPathFactory) -> Scenario:
    return funding_reissue_after_opt_out(tmp_path_factory.mktemp("plain"), difference_rule=False)


def test_each_funding_release_alone_passes_the_independent_attacker(
    reissue: Scenario, reissue_without_rule: Scenario
) -> None:
    assert reissue.old != reissue.new
    for folder in (reissue.old, reissue.new, reissue_without_rule.new):
        assert_nothing_disclosed(attack_release(folder))


def test_a_reissue_after_an_opt_out_discloses_nothing_to_the_independent_attacker(
    reissue: Scenario,
) -> None:
    (pupil,) = reissue.changed
    assert pupil.attributes["sen_provision"] == "E"
    manifest = json.loads((reissue.new / "manifest.json").read_text())
    assert manifest["revises"] == reissue.old.name
    for options in ({}, {"removals_only": True}):
        report = attack_pair(reissue.old, reissue.new, beyond_totals=True, **options)
        # the attacker sees that one pupil left the school (the run says so) ...
        assert any(
            d.coordinates["school"] == pupil.school and not d.attribute for d in report.changed
        ), report.describe()
        # ... and learns none of their attributes, and recovers no suppressed cell
        assert_nothing_disclosed(report)


def test_without_the_difference_rule_a_reissue_after_an_opt_out_discloses(
    reissue_without_rule: Scenario,
) -> None:
    reissue = reissue_without_rule
    (pupil,) = reissue.changed
    assert pupil.attributes["sen_provision"] == "E"
    report = attack_pair(reissue.old, reissue.new)
    # every funding attribute of the pupil is read off the two releases ...
    assert disclosed_attributes(report, "funding") == {
        a: {pupil.attributes[a]} for a in FUNDING_ATTRIBUTES
    }, report.describe()
    assert all(d.low == d.high == -1 for d in report.attribute_disclosures)
    # ... and their school
    assert any(d.coordinates["school"] == pupil.school for d in report.changed)
    assert report.disclosed_cells == []  # alone, the pair's difference says who; not more

    # knowing only that pupils left (the reason for a re-issue), cells suppressed in the
    # first release are recovered: the pupil's school's SEN row
    informed = attack_pair(reissue.old, reissue.new, removals_only=True)
    recovered = [c for c in informed.recovered if c.coordinates["school"] == pupil.school]
    assert {c.coordinates["sen_provision"] for c in recovered} >= {"E"}, informed.describe()
    ehc = next(c for c in recovered if c.coordinates["sen_provision"] == "E")
    assert ehc.release == 0 and ehc.low == reissue.notes["school_before"]["E"]
    assert assert_recoveries_are_true(informed, reissue, "funding") == len(informed.recovered)
    assert len(informed.recovered) >= 2


# --------------------------------------------------------------------------------------
# Controls


@pytest.fixture(scope="module")
def unchanged(tmp_path_factory: pytest.TempPathFactory) -> Scenario:
    return funding_rerun_unchanged(tmp_path_factory.mktemp("unchanged"))


def test_re_running_on_unchanged_input_changes_no_byte(unchanged: Scenario) -> None:
    old = release_files(unchanged.old)
    assert old and old == release_files(unchanged.new)
    assert old == release_files(unchanged.notes["again"])
    manifests = [
        json.loads((f / "manifest.json").read_text())["tables"]
        for f in (unchanged.old, unchanged.new)
    ]
    assert manifests[0] == manifests[1]
    for options in ({}, {"removals_only": True}):
        report = attack_pair(unchanged.old, unchanged.new, **options)
        assert report.changed == [], report.describe()
        assert_nothing_disclosed(report)


@pytest.fixture(scope="module")
def group(tmp_path_factory: pytest.TempPathFactory) -> Scenario:
    return funding_after_group_opt_out(tmp_path_factory.mktemp("group"))


def test_a_change_of_the_threshold_in_every_cell_is_published_without_extra_suppression(
    group: Scenario,
) -> None:
    threshold = 3
    assert len(group.changed) == threshold
    assert len({(p.school, *p.attributes.values()) for p in group.changed}) == 1  # alike
    assert published_pattern(group.new) == published_pattern(group.old)
    for options in ({}, {"removals_only": True}):
        report = attack_pair(group.old, group.new, **options)
        assert report.changed and {(d.low, d.high) for d in report.changed} == {
            (-threshold, -threshold)
        }, report.describe()
        assert_nothing_disclosed(report)


# --------------------------------------------------------------------------------------
# Scenarios 2 and 3: the nightly release after a leaver, then after a back-dated opt-out


@dataclass(frozen=True)
class Nights:
    """Scenarios 2 and 3 made by the nightly release as it is (with the difference rule) and,
    from a copy of the same store after the first night, by the release without the rule."""

    leaver: Scenario
    backdated: Scenario
    leaver_without_rule: Scenario
    backdated_without_rule: Scenario


@pytest.fixture(scope="module")
def nightly(tmp_path_factory: pytest.TempPathFactory) -> Nights:
    """The first night, then after a Year 6 leaver and after a back-dated opt-out of a pupil
    of the year before: on the store (with the rule) and on its copy (without)."""
    store = nightly_store(tmp_path_factory.mktemp("nightly"))
    plain = store.copy_without_the_rule(tmp_path_factory.mktemp("nightly-without-rule"))
    leaver = nightly_after_a_leaver(store)
    backdated = nightly_after_backdated_opt_out(store)
    leaver_without_rule = nightly_after_a_leaver(plain)
    backdated_without_rule = nightly_after_backdated_opt_out(plain)
    assert leaver.changed == leaver_without_rule.changed
    assert backdated.changed == backdated_without_rule.changed
    return Nights(leaver, backdated, leaver_without_rule, backdated_without_rule)


@pytest.mark.slow
def test_each_nightly_release_alone_passes_the_independent_attacker(nightly: Nights) -> None:
    assert nightly.leaver.new == nightly.backdated.old
    assert nightly.leaver.old == nightly.leaver_without_rule.old
    for folder in (nightly.leaver.old, nightly.leaver.new, nightly.backdated.new):
        assert_nothing_disclosed(attack_release(folder))


@pytest.mark.slow
@pytest.mark.parametrize("scenario", ["leaver", "backdated"])
def test_a_night_after_a_leaver_or_a_backdated_opt_out_discloses_nothing(
    nightly: Nights, scenario: str
) -> None:
    """With the rule, the attacker holding both nights sees how many pupils a school lost
    (the totals over every attribute) and learns none of the pupil's attributes, and
    recovers no suppressed cell, even knowing that pupils only left (the stronger attacker:
    its model is the plain one with the removals' signs added, so it learns at least as
    much)."""
    night: Scenario = getattr(nightly, scenario)
    (pupil,) = night.changed
    manifest = json.loads((night.new / "manifest.json").read_text())
    assert manifest["revises"] == night.old.name
    # the rule checked the year whose pupils changed (and, after the leaver, no other)
    year = night.notes["academic_year"].replace("/", "-")
    checked = [n for n in night.notes["protection"] if "earlier release" in n]
    assert any(year in n for n in checked), night.notes["protection"]
    if scenario == "leaver":
        assert len(checked) == 2 and all(year in n for n in checked), checked  # KS2, absence
    report = attack_pair(night.old, night.new, beyond_totals=True, removals_only=True)
    # the attacker sees that one pupil left the school, in the year that changed ...
    assert {d.coordinates["academic_year"] for d in report.changed} == {
        night.notes["academic_year"]
    }, report.describe()
    assert any(
        d.coordinates["school"] == pupil.school and not d.attribute for d in report.changed
    ), report.describe()
    # ... and learns none of their attributes, and recovers no suppressed cell
    assert_nothing_disclosed(report)


@pytest.mark.slow
def test_without_the_difference_rule_a_leaver_discloses(nightly: Nights) -> None:
    leaver = nightly.leaver_without_rule
    (pupil,) = leaver.changed
    assert not [n for n in leaver.notes["protection"] if "earlier release" in n]
    report = attack_pair(leaver.old, leaver.new)
    # sex, disadvantage, SEN, EAL, ethnic group and "met the expected standard" are read off
    assert disclosed_attributes(report, "ks2") == {
        a: {pupil.attributes[a]} for a in NIGHTLY_ATTRIBUTES
    }, report.describe()
    assert {d.coordinates["academic_year"] for d in report.changed} == {LATEST_YEAR}
    assert any(d.coordinates["school"] == pupil.school for d in report.changed)

    # knowing pupils only left, the attacker sees where nothing changed and combines the
    # two releases' different suppression patterns there: cells recovered, at schools the
    # leaver never attended
    informed = attack_pair(leaver.old, leaver.new, removals_only=True)
    assert assert_recoveries_are_true(informed, leaver, "ks2") >= 1, informed.describe()
    assert {c.coordinates["school"] for c in informed.recovered} - {pupil.school}


@pytest.mark.slow
def test_without_the_difference_rule_a_backdated_opt_out_discloses_in_a_past_year(
    nightly: Nights,
) -> None:
    backdated = nightly.backdated_without_rule
    (pupil,) = backdated.changed
    report = attack_pair(backdated.old, backdated.new)
    assert {d.coordinates["academic_year"] for d in report.changed} == {EARLIER_YEAR}
    assert disclosed_attributes(report, "ks2") == {
        a: {pupil.attributes[a]} for a in NIGHTLY_ATTRIBUTES
    }, report.describe()
    informed = attack_pair(backdated.old, backdated.new, removals_only=True)
    assert_recoveries_are_true(informed, backdated, "ks2")
