"""The registry: every statistical release pupilstats makes, declared once.

The flows (``flows.releases``), ``pupilstats run`` and ``pupilstats demo`` (``cli``), the
dashboard's choice of release, the subject access records and the opt-out property test
all iterate :data:`RELEASES`; ``tests/pipeline/releases/test_registry.py`` fails when one of
them leaves a registered release out. Reading the registry imports no statistics code: a
release's steps are imported when it runs (:func:`release_steps`).
"""

from __future__ import annotations

import importlib

from pipeline.releases import periods
from pipeline.releases.spec import PeriodOption, ReleaseSpec, ReleaseSteps, RunOption
from schema.errors import PupilstatsError

NIGHTLY_PERFORMANCE = ReleaseSpec(
    name="nightly-performance",
    title="Nightly performance statistics",
    package="nightly_performance",
    default_profile="dfe-performance",
    period=PeriodOption(
        flag="--academic-year",
        help="Latest academic year to release, e.g. 2025/26 (default: the latest in the store)",
        default=None,
        check=periods.academic_year,
    ),
    inputs=("schools", "census", "consent", "ks2", "ks4", "absence"),
    population=(
        "Pupils with KS2, KS4 or absence results of the academic year and of the two before "
        "it, on roll (single or main registration) at that year's autumn census; a research "
        "opt-out in force at the census leaves a pupil out of that year."
    ),
    tables=("ks2", "ks4", "absence"),
    note=(
        "README.md (measures, breakdowns, rules, symbols, how each cohort reconciles with "
        "the records) and schools.csv (school names)"
    ),
    options=(
        RunOption(
            "method",
            "--method",
            "Secondary suppression: heuristic, modular or optimal",
            "heuristic",
            str,
        ),
        RunOption(
            "difference_rule",
            "--difference-rule/--no-difference-rule",
            "Protect against the ledger's earlier releases of the same years (the difference "
            "rule; README, Releases over time). On by default; --no-difference-rule protects "
            "the night as if the ledger were empty (what a night could disclose without it)",
            True,
        ),
    ),
    dashboard=True,
)

FUNDING_ROUND = ReleaseSpec(
    name="funding-round",
    title="Funding round",
    package="funding_round",
    default_profile="dfe",
    period=PeriodOption(
        flag="--census-date",
        help="Census date, YYYY-MM-DD",
        default="2025-10-02",
        check=periods.census_date,
    ),
    inputs=("schools", "census", "consent"),
    population=(
        "Pupils on the October census in NC years R to 11 with a single or main "
        "registration; a research opt-out in force at the census date leaves a pupil out."
    ),
    tables=(
        "funding_key_stage",
        "funding_fsm",
        "funding_fsm6",
        "funding_eal",
        "funding_sen",
        "funding_idaci",
    ),
    note=(
        "README.md for the reader (tables, who is counted and left out, codes, rules, "
        "symbols, reference date, how the LA total reconciles with the census)"
    ),
    census_date_checked=True,
)

CCG_HEALTH = ReleaseSpec(
    name="ccg-health",
    title="CCG/ICB health release",
    package="ccg_health",
    default_profile="nhs",
    period=PeriodOption(
        flag="--academic-year",
        help="Academic year of the measurements, e.g. 2025/26",
        default="2025/26",
        check=periods.academic_year,
    ),
    inputs=("census", "ncmp", "consent"),
    population=(
        "Children measured by the NCMP in the academic year and on roll (single or main "
        "registration) at its autumn census; a research opt-out in force on any day from the "
        "census to 31 August leaves a child out; implausible measurements are held back."
    ),
    tables=("health_la", "health_ward", "health_idaci", "health_ethnicity", "health_school"),
    note=(
        "README.md for the recipient (tables, who is counted, codes, rules, symbols, "
        "reference date, reconciliation, why a total can be * beside published parts)"
    ),
    options=(
        RunOption(
            "by_school",
            "--by-school/--no-by-school",
            "Publish the table by school (default: as the profile allows, "
            "pipeline/releases/ccg_health/breakdowns.toml)",
        ),
    ),
)

RELEASES: tuple[ReleaseSpec, ...] = (NIGHTLY_PERFORMANCE, FUNDING_ROUND, CCG_HEALTH)
"""Every release, in the order ``pupilstats demo`` runs them (the first loads the inputs)."""


def release_spec(name: str) -> ReleaseSpec:
    """The registered release called ``name``, or a clear error listing the releases."""
    for spec in RELEASES:
        if spec.name == name:
            return spec
    known = ", ".join(s.name for s in RELEASES)
    raise PupilstatsError(f"no release called {name!r}; releases: {known}")


def release_steps(spec: ReleaseSpec) -> ReleaseSteps:
    """The release package's steps (``pipeline.releases.<package>.STEPS``)."""
    package = importlib.import_module(f"pipeline.releases.{spec.package}")
    steps = package.STEPS
    if not isinstance(steps, ReleaseSteps):
        raise TypeError(f"pipeline.releases.{spec.package}.STEPS is not a ReleaseSteps")
    return steps
