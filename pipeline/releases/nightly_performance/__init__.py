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
- ``release``: the published tables (percentages from published counts, means);
- ``documents``, ``population``: the schools lookup and README, and the release population.
"""

from pipeline.aggregate.performance.measures import BREAKDOWNS, FAMILIES, Breakdown, Family
from pipeline.aggregate.performance.protection import (
    PerformanceProtection,
    audit_populations,
    protect_populations,
)
from pipeline.aggregate.performance.release import performance_release_tables
from pipeline.aggregate.performance.tables import Population, performance_populations
from pipeline.aggregate.performance.years import release_years

__all__ = [
    "BREAKDOWNS",
    "FAMILIES",
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
