"""School performance statistics: KS2, KS4 and absence by school and for the LA, with
breakdowns and three-year trends, as protected count tables and the means beside them.

- ``measures``: the three families (outcome and means) and the five breakdowns;
- ``years``: which academic years a release covers;
- ``pupils``: the counted pupils of a family and year (results joined to the census,
  research opt-outs excluded);
- ``tables``: one family and year as linked count tables (a ``Population``);
- ``means``: the sums behind the means and why publishing them is safe;
- ``requests``: the accountability limit and the means rule as requested suppressions;
- ``protection``: protecting and auditing every population;
- ``publication``: the published tables (percentages from published counts, means);
- ``note``: the schools lookup and README beside the tables;
- ``population``: the pupils the release is about, as subject access records them.
"""

from pipeline.releases.nightly_performance.measures import BREAKDOWNS, FAMILIES, Breakdown, Family
from pipeline.releases.nightly_performance.note import documents
from pipeline.releases.nightly_performance.population import population_statuses
from pipeline.releases.nightly_performance.protection import (
    PerformanceProtection,
    audit_populations,
    protect_populations,
    protect_tables,
)
from pipeline.releases.nightly_performance.publication import (
    performance_release_tables,
    release_tables,
)
from pipeline.releases.nightly_performance.tables import (
    Population,
    audited_tables,
    count,
    performance_populations,
)
from pipeline.releases.nightly_performance.years import release_years
from pipeline.releases.spec import ReleaseSteps

STEPS = ReleaseSteps(
    count=count,
    protect=protect_tables,
    release_tables=release_tables,
    documents=documents,
    population_statuses=population_statuses,
    audited_tables=audited_tables,
)

__all__ = [
    "BREAKDOWNS",
    "FAMILIES",
    "STEPS",
    "Breakdown",
    "Family",
    "PerformanceProtection",
    "Population",
    "audit_populations",
    "performance_populations",
    "performance_release_tables",
    "protect_populations",
    "release_years",
]
