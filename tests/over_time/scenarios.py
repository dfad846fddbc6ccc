"""Real releases over time: the same flow run twice on a store that changed in between.

Each scenario builds a small synthetic borough's store, runs a registered release through
the flow's own steps (``flows.tasks.release``: count, protect and audit, publish; their
plain functions, without a Prefect run), changes the store the way life changes it (an
opt-out, a leaver, a back-dated opt-out) and runs the release again. It returns the two
published folders and what the change was (the pupils and their attributes as the release
codes them), so a test can give the folders to the independent attacker (``attacker``)
and check what it learns against the truth.

Stores are filled with the generator's typed frames straight into the store's tables (as
``tests/flows/test_nightly_performance.py`` does for earlier years): the loader's
validation takes seconds per file and is not what these scenarios are about. Opening the
store absorbs each delivered consent file into the consent register, as a load does.

Scenarios (issue 15):

1. :func:`funding_reissue_after_opt_out`: the funding round of a census date re-issued after
   one pupil with an EHC plan at a small school opts out (effective before the census date).
2. :func:`nightly_after_a_leaver`: the nightly release run again after one Year 6 pupil with a
   KS2 result leaves (removed from the census, KS2 and absence of the latest year).
3. :func:`nightly_after_backdated_opt_out`: then a pupil of the year before opts out with
   effect before that year's census, and the nightly release runs again: its 2024/25 slice
   changes.
4. :func:`funding_then_absence`: the funding round of the autumn census, then the nightly
   release, whose absence tables of that year count nearly the same pupils (every
   enrolment with an absence record, at the school holding it): two flows, not two runs.

Controls: :func:`funding_rerun_unchanged` (nothing changed) and
:func:`funding_after_group_opt_out` (pupils identical in every published attribute opt out
together, at least the threshold of them, so every cell they touch changes by that many).
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from pathlib import Path

import duckdb
import polars as pl

from pipeline.profiles import load_profile
from pipeline.releases.registry import release_spec
from pipeline.rights.consent_register import Instruction, record_instruction
from pipeline.store import open_store
from pipeline.synthetic import SyntheticBorough, generate_borough
from pipeline.synthetic.history import generate_history
from schema import codes

CENSUS_DATE = date(2025, 10, 2)
PUPILS = 6_000
FUNDING_SEED = 7
NIGHTLY_SEED = 7
STORE_INPUTS = ("schools", "census", "consent", "ks2", "ks4", "absence")
LATEST_YEAR = "2025/26"
EARLIER_YEAR = "2024/25"

FUNDING_ATTRIBUTES = ("key_stage", "fsm", "fsm6", "eal", "sen_provision", "idaci_band")
"""The funding tables' attribute dimensions (each table crosses ``school`` with one)."""
NIGHTLY_ATTRIBUTES = ("sex", "disadvantaged", "sen_provision", "eal", "ethnic_group", "outcome")
"""The nightly tables' attribute dimensions (beside ``academic_year`` and ``school``)."""


@dataclass(frozen=True)
class Changed:
    """A pupil the change touched, as the release codes them: the school and each attribute
    dimension's code (a funding pupil: ``key_stage``, ``fsm``, ...; a nightly KS2 pupil:
    ``sex``, ``disadvantaged``, ..., ``outcome``)."""

    upn: str
    school: str
    attributes: dict[str, str]


@dataclass(frozen=True)
class Scenario:
    """Two releases of one flow (``old`` then ``new``) and who changed in between."""

    name: str
    old: Path
    new: Path
    changed: tuple[Changed, ...]
    removals_only: bool = True
    """The change only took pupils out (what an attacker who knows why the release was
    re-issued knows)."""
    notes: dict[str, object] = field(default_factory=dict)


# --------------------------------------------------------------------------------------
# Stores and runs


def fill_store(store: Path, boroughs: list[SyntheticBorough]) -> None:
    """Put each borough's typed frames (oldest first) into the store's tables; each census,
    result and absence delivery is kept, the schools lookup and the consent file are the
    latest (the register keeps every consent delivery: it absorbs each on opening)."""
    for borough in boroughs:
        with open_store(store) as con:
            con.execute("DELETE FROM schools")
            con.execute("DELETE FROM consent")
            for name in STORE_INPUTS:
                con.register("new_rows", borough.frames[name].to_arrow())
                con.execute(f"INSERT INTO {name} BY NAME SELECT * FROM new_rows")
                con.unregister("new_rows")
    with open_store(store):
        pass  # absorbs the last consent delivery into the register


def run_release(
    store: Path,
    name: str,
    releases: Path,
    period: str | None = None,
    difference_rule: bool = True,
) -> Path:
    """Run the release ``name`` as its flow does (the tasks' plain functions: count, protect
    and audit, publish) with its default profile; return the folder it published (or the
    earlier identical release it pointed to). ``difference_rule=False`` protects the
    release as if the ledger held no earlier release (what the releases did before the
    rule: for the tests that show what it prevents)."""
    return run_release_with_notes(store, name, releases, period, difference_rule)[0]


def run_release_with_notes(
    store: Path,
    name: str,
    releases: Path,
    period: str | None = None,
    difference_rule: bool = True,
) -> tuple[Path, list[str]]:
    """:func:`run_release`, and the protection's notes (what the difference rule did)."""
    from flows.tasks.release import count_release, protect_release, publish_release

    spec = release_spec(name)
    profile = load_profile(spec.default_profile)
    period = period if period is not None else spec.period.default
    counted = count_release.fn(spec, store, period, profile, {})
    if not difference_rule:
        counted = replace(counted, history=None)
    protected = protect_release.fn(spec, counted, profile, {})
    published = publish_release.fn(spec, store, releases, counted, protected, profile)
    return Path(getattr(published, "folder", published)), list(protected.protection.notes)


def opt_out(con: duckdb.DuckDBPyConnection, upn: str, effective: date, ref: str) -> None:
    """Record a parent's research opt-out, received and in force from ``effective``."""
    record_instruction(
        con,
        Instruction(
            upn=upn,
            consent_type="research_opt_out",
            recorded_by="parent",
            recorded_on=effective,
            effective_from=effective,
            source_ref=ref,
        ),
    )


# --------------------------------------------------------------------------------------
# Funding pupils

_FUNDED = """
SELECT c.upn, c.laestab AS school, c.nc_year, c.fsm_eligible, c.fsm6, c.first_language,
       c.sen_provision, c.idaci_score
FROM census AS c
WHERE c.census_date = $census_date AND c.enrolment_status = 'C'
  AND list_contains($nc_years, c.nc_year)
  AND EXISTS (SELECT 1 FROM statistics_eligible_census AS e
              WHERE e.upn = c.upn AND e.census_date = c.census_date AND e.laestab = c.laestab)
  AND (SELECT count(*) FROM census AS o
       WHERE o.upn = c.upn AND o.census_date = c.census_date) = 1
ORDER BY c.laestab, c.upn
"""
"""Counted funding pupils with a single registration (on roll at one school only)."""


def _yes_no(flag: bool) -> str:
    return "Y" if flag else "N"


def funding_pupils(con: duckdb.DuckDBPyConnection, census_date: date = CENSUS_DATE) -> pl.DataFrame:
    """Counted, singly registered funding pupils with their funding attributes as the
    funding tables code them."""
    nc_years = [y for y, stage in codes.KEY_STAGE_OF_NC_YEAR.items() if stage != "KS5"]
    rows = con.sql(_FUNDED, params={"census_date": census_date, "nc_years": nc_years}).pl()
    return rows.select(
        "upn",
        "school",
        pl.col("nc_year").replace_strict(codes.KEY_STAGE_OF_NC_YEAR).alias("key_stage"),
        pl.col("fsm_eligible").map_elements(_yes_no, return_dtype=pl.Utf8).alias("fsm"),
        pl.col("fsm6").map_elements(_yes_no, return_dtype=pl.Utf8).alias("fsm6"),
        pl.col("first_language")
        .is_in(list(codes.EAL_CODES))
        .map_elements(_yes_no, return_dtype=pl.Utf8)
        .alias("eal"),
        "sen_provision",
        pl.col("idaci_score")
        .map_elements(codes.idaci_band, return_dtype=pl.Utf8)
        .alias("idaci_band"),
    )


def funding_counted(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """The counted funding pupils as the funding tables count them (no identifier): the
    truth a test checks the attacker's recoveries against."""
    from pipeline.releases.funding_round.tables import funding_characteristics

    return funding_characteristics(con, CENSUS_DATE).rename({"laestab": "school"})


def ks2_counted(con: duckdb.DuckDBPyConnection, academic_year: str) -> pl.DataFrame:
    """The counted KS2 pupils of ``academic_year`` as the nightly tables count them (no
    identifier)."""
    from pipeline.releases.nightly_performance.measures import KS2
    from pipeline.releases.nightly_performance.pupils import counted_pupils

    return counted_pupils(con, KS2, academic_year).select("school", *NIGHTLY_ATTRIBUTES)


def _changed(row: dict[str, object], attributes: tuple[str, ...]) -> Changed:
    return Changed(
        upn=str(row["upn"]),
        school=str(row["school"]),
        attributes={a: str(row[a]) for a in attributes},
    )


def ehc_pupil_at_a_small_school(pupils: pl.DataFrame) -> dict[str, object]:
    """A pupil with an EHC plan at the school with the fewest EHC pupils (1 or 2) and then
    the smallest roll: the cells the pupil is in are among the smallest."""
    by_school = pupils.group_by("school").agg(
        (pl.col("sen_provision") == "E").sum().alias("ehc"), pl.len().alias("roll")
    )
    school = (
        by_school.filter(pl.col("ehc").is_between(1, 2))
        .sort("ehc", "roll", "school")
        .row(0, named=True)["school"]
    )
    return (
        pupils.filter((pl.col("school") == school) & (pl.col("sen_provision") == "E"))
        .sort("upn")
        .row(0, named=True)
    )


def _funding_store(work: Path, seed: int = FUNDING_SEED) -> Path:
    work.mkdir(parents=True, exist_ok=True)
    store = work / "store.duckdb"
    fill_store(store, [generate_borough(pupils=PUPILS, seed=seed, census_date=CENSUS_DATE)])
    return store


def funding_reissue_after_opt_out(
    work: Path, seed: int = FUNDING_SEED, difference_rule: bool = True
) -> Scenario:
    """Scenario 1: the funding round, then one pupil with an EHC plan at a small school opts
    out with effect before the census date, and the round is run again for that date (with
    the difference rule, or as before it: ``run_release``)."""
    store = _funding_store(work, seed)
    old = run_release(store, "funding-round", work / "releases")
    with open_store(store) as con:
        before = funding_counted(con)
        pupils = funding_pupils(con)
        pupil = ehc_pupil_at_a_small_school(pupils)
        at_school = pupils.filter(pl.col("school") == pupil["school"])
        opt_out(con, str(pupil["upn"]), CENSUS_DATE - timedelta(days=10), "OVER-TIME-1")
    new = run_release(store, "funding-round", work / "releases", difference_rule=difference_rule)
    with open_store(store) as con:
        after = funding_counted(con)
    return Scenario(
        "funding re-issue after one opt-out",
        old,
        new,
        (_changed(pupil, FUNDING_ATTRIBUTES),),
        notes={
            "counted": (before, after),
            "school_before": {
                sen: at_school.filter(pl.col("sen_provision") == sen).height
                for sen in codes.SEN_PROVISION
            },
        },
    )


def funding_rerun_unchanged(work: Path, seed: int = FUNDING_SEED) -> Scenario:
    """Control: the funding round of two stores filled with the same borough (``old``,
    ``new``: nothing differs but the stores' own keys and times), and run a second time on
    the first store (``notes["again"]``: a new folder, or the first one if the run found
    nothing new to write)."""
    first = _funding_store(work / "first", seed)
    second = _funding_store(work / "second", seed)
    old = run_release(first, "funding-round", work / "first" / "releases")
    new = run_release(second, "funding-round", work / "second" / "releases")
    again = run_release(first, "funding-round", work / "first" / "releases-again")
    return Scenario("funding re-run, nothing changed", old, new, (), notes={"again": again})


def identical_group(pupils: pl.DataFrame, size: int) -> pl.DataFrame:
    """``size`` pupils of one school alike in every funding attribute, from the largest such
    group at a school whose every cell they touch keeps at least twice ``size`` pupils
    after they leave (so nothing they touch falls under the threshold)."""
    keys = ["school", *FUNDING_ATTRIBUTES]
    groups = pupils.group_by(keys).agg(pl.len().alias("alike"), pl.col("upn").sort())
    for group in (
        groups.filter(pl.col("alike") >= size).sort("alike", descending=True).iter_rows(named=True)
    ):
        at_school = pupils.filter(pl.col("school") == group["school"])
        smallest = min(at_school.filter(pl.col(a) == group[a]).height for a in FUNDING_ATTRIBUTES)
        if smallest - size >= 2 * size:
            return pupils.filter(pl.col("upn").is_in(group["upn"][:size]))
    raise LookupError(f"no school has {size} pupils alike in every funding attribute")


def funding_after_group_opt_out(
    work: Path, size: int | None = None, seed: int = FUNDING_SEED
) -> Scenario:
    """Control: ``size`` (default: the threshold) pupils of one school, alike in every
    funding attribute, opt out together; every cell they touch changes by ``size``."""
    store = _funding_store(work, seed)
    old = run_release(store, "funding-round", work / "releases")
    size = size or load_profile(release_spec("funding-round").default_profile).threshold
    with open_store(store) as con:
        group = identical_group(funding_pupils(con), size)
        for i, upn in enumerate(group["upn"].to_list()):
            opt_out(con, upn, CENSUS_DATE - timedelta(days=10), f"OVER-TIME-G{i}")
    new = run_release(store, "funding-round", work / "releases")
    return Scenario(
        f"funding re-issue after {size} alike pupils opt out",
        old,
        new,
        tuple(_changed(row, FUNDING_ATTRIBUTES) for row in group.iter_rows(named=True)),
    )


# --------------------------------------------------------------------------------------
# Nightly pupils

_KS2_PUPILS = """
WITH year_census AS (
    SELECT max(census_date) AS census_date FROM census
    WHERE (CASE WHEN month(census_date) >= 9 THEN year(census_date)
                ELSE year(census_date) - 1 END) = $start
)
SELECT c.upn, k.laestab AS school, c.census_date, c.sex, c.fsm6, c.sen_provision,
       c.first_language, c.ethnicity,
       coalesce(k.reading_score >= 100 AND k.maths_score >= 100
                AND k.writing_ta IN ('EXS', 'GDS'), false) AS met
FROM ks2 AS k
JOIN census AS c ON c.upn = k.upn AND c.census_date = (SELECT census_date FROM year_census)
WHERE k.academic_year = $year AND c.enrolment_status = 'C' AND c.nc_year = '6'
  AND c.laestab = k.laestab
  AND EXISTS (SELECT 1 FROM statistics_eligible_census AS e
              WHERE e.upn = c.upn AND e.census_date = c.census_date AND e.laestab = c.laestab)
  AND (SELECT count(*) FROM census AS o
       WHERE o.upn = c.upn AND o.census_date = c.census_date) = 1
ORDER BY k.laestab, c.upn
"""
"""Counted Year 6 pupils with a KS2 result of ``$year``, singly registered at the school
that holds their result."""


def ks2_pupils(con: duckdb.DuckDBPyConnection, academic_year: str) -> pl.DataFrame:
    """Counted Year 6 pupils of ``academic_year`` with their KS2 table attributes."""
    rows = con.sql(
        _KS2_PUPILS, params={"year": academic_year, "start": int(academic_year[:4])}
    ).pl()
    return rows.select(
        "upn",
        "school",
        "census_date",
        "sex",
        pl.col("fsm6").map_elements(_yes_no, return_dtype=pl.Utf8).alias("disadvantaged"),
        "sen_provision",
        pl.col("first_language")
        .is_in(list(codes.EAL_CODES))
        .map_elements(_yes_no, return_dtype=pl.Utf8)
        .alias("eal"),
        pl.col("ethnicity")
        .replace_strict(codes.ETHNICITY_MAJOR_GROUP, return_dtype=pl.Utf8)
        .alias("ethnic_group"),
        pl.when(pl.col("met")).then(pl.lit("met")).otherwise(pl.lit("not_met")).alias("outcome"),
    )


def a_ks2_pupil(pupils: pl.DataFrame) -> dict[str, object]:
    """A KS2 pupil at the school with the smallest KS2 cohort of at least 6 (the
    accountability limit: its cells are published) and, of its pupils, the first by UPN."""
    cohorts = pupils.group_by("school").agg(pl.len().alias("cohort"))
    school = (
        cohorts.filter(pl.col("cohort") >= 6).sort("cohort", "school").row(0, named=True)["school"]
    )
    return pupils.filter(pl.col("school") == school).sort("upn").row(0, named=True)


@dataclass
class NightlyStore:
    """A store of two years for the nightly release and the releases made from it so far;
    ``difference_rule=False``: each night protected as if the ledger were empty."""

    work: Path
    store: Path
    releases: list[Path] = field(default_factory=list)
    difference_rule: bool = True
    notes: dict[Path, list[str]] = field(default_factory=dict)
    """Each release's protection notes (which tables the difference rule checked)."""

    def run(self) -> Path:
        folder, self.notes[folder] = run_release_with_notes(
            self.store,
            "nightly-performance",
            self.work / "releases",
            difference_rule=self.difference_rule,
        )
        self.releases.append(folder)
        return folder

    def copy_without_the_rule(self, work: Path) -> NightlyStore:
        """A copy of the store (with its key) whose later nights ignore the difference rule,
        with the same releases so far: the same changes made to both give the pair of
        nights with and without the rule."""
        work.mkdir(parents=True, exist_ok=True)
        store = work / self.store.name
        for suffix in ("", ".rights-key"):
            shutil.copy2(f"{self.store}{suffix}", f"{store}{suffix}")
        return NightlyStore(work, store, list(self.releases), difference_rule=False)


def nightly_store(work: Path, pupils: int = PUPILS, seed: int = NIGHTLY_SEED) -> NightlyStore:
    """Two years of a synthetic borough in a store (the latest and the one before: all that
    scenarios 2 and 3 change; the nightly release publishes the years the store holds, up
    to three), and its first nightly release."""
    store = work / "store.duckdb"
    years = generate_history(pupils=pupils, seed=seed, census_date=CENSUS_DATE, years=2)
    fill_store(store, years)
    nightly = NightlyStore(work, store)
    nightly.run()
    return nightly


def nightly_after_a_leaver(nightly: NightlyStore) -> Scenario:
    """Scenario 2: one Year 6 pupil with a KS2 result leaves (their census row, KS2 result
    and absence of the latest year are gone from the next deliveries) and the nightly
    release runs again."""
    old = nightly.releases[-1]
    with open_store(nightly.store) as con:
        before = ks2_counted(con, LATEST_YEAR)
        pupil = a_ks2_pupil(ks2_pupils(con, LATEST_YEAR))
        upn = str(pupil["upn"])
        con.execute(
            "DELETE FROM census WHERE upn = ? AND census_date = ?", [upn, pupil["census_date"]]
        )
        for table in ("ks2", "ks4", "absence"):
            con.execute(
                f"DELETE FROM {table} WHERE upn = ? AND academic_year = ?", [upn, LATEST_YEAR]
            )
    new = nightly.run()
    with open_store(nightly.store) as con:
        after = ks2_counted(con, LATEST_YEAR)
    return Scenario(
        "nightly after a Year 6 leaver",
        old,
        new,
        (_changed(pupil, NIGHTLY_ATTRIBUTES),),
        notes={
            "academic_year": LATEST_YEAR,
            "counted": (before, after),
            "protection": nightly.notes[new],
        },
    )


def nightly_after_backdated_opt_out(nightly: NightlyStore) -> Scenario:
    """Scenario 3: a Year 6 pupil of the year before opts out with effect before that year's
    census (a back-dated instruction) and the nightly release runs again: the earlier
    year's slice changes."""
    old = nightly.releases[-1]
    with open_store(nightly.store) as con:
        before = ks2_counted(con, EARLIER_YEAR)
        pupil = a_ks2_pupil(ks2_pupils(con, EARLIER_YEAR))
        opt_out(con, str(pupil["upn"]), pupil["census_date"] - timedelta(days=30), "OVER-TIME-3")
    new = nightly.run()
    with open_store(nightly.store) as con:
        after = ks2_counted(con, EARLIER_YEAR)
    return Scenario(
        "nightly after a back-dated opt-out",
        old,
        new,
        (_changed(pupil, NIGHTLY_ATTRIBUTES),),
        notes={
            "academic_year": EARLIER_YEAR,
            "counted": (before, after),
            "protection": nightly.notes[new],
        },
    )


# --------------------------------------------------------------------------------------
# Two flows, nearly the same pupils

NEAR_EQUAL_PUPILS = 1_500


@dataclass(frozen=True)
class NearEqualRuns:
    """Scenario 4: the funding round (``funding``), then the nightly release with the
    difference rule (``nightly``) and, from a copy of the store taken before it, without
    (``nightly_without_rule``); the funding round run once more after the nightly release
    (``funding_again``: a new folder, or the first when nothing new was written); the
    protection's notes of the nightly release with the rule; and the counted pupils of
    both populations (the truth)."""

    store: Path
    funding: Path
    nightly: Path
    nightly_without_rule: Path
    funding_again: Path
    notes: list[str]
    funding_counted: pl.DataFrame
    absence_counted: pl.DataFrame


def funding_then_absence(work: Path, pupils: int = NEAR_EQUAL_PUPILS) -> NearEqualRuns:
    """Scenario 4: the funding round of the autumn census and the nightly release of one
    year, whose absence tables count nearly the same pupils (the two populations are
    declared near-equal: ``pipeline/releases/near_equal.toml``)."""
    from pipeline.releases.nightly_performance.measures import ABSENCE
    from pipeline.releases.nightly_performance.pupils import counted_pupils

    work.mkdir(parents=True, exist_ok=True)
    store = work / "store.duckdb"
    fill_store(store, [generate_borough(pupils=pupils, seed=FUNDING_SEED, census_date=CENSUS_DATE)])
    releases = work / "releases"
    funding = run_release(store, "funding-round", releases)
    plain = NightlyStore(work, store).copy_without_the_rule(work / "without-rule")
    nightly, notes = run_release_with_notes(store, "nightly-performance", releases)
    without = run_release(
        plain.store, "nightly-performance", plain.work / "releases", difference_rule=False
    )
    again = run_release(store, "funding-round", releases)
    with open_store(store) as con:
        counted_funding = funding_counted(con)
        counted_absence = counted_pupils(con, ABSENCE, LATEST_YEAR).select(
            "school", *NIGHTLY_ATTRIBUTES
        )
    return NearEqualRuns(
        store, funding, nightly, without, again, notes, counted_funding, counted_absence
    )
