"""The funding round: the National Funding Formula's pupil-led factors per school, from the
October census (``population``, ``tables``), protected as linked tables (``protection``) and
published as counts of pupils (``publication``, ``note``)."""

from pipeline.releases.funding_round.note import documents
from pipeline.releases.funding_round.population import population_statuses
from pipeline.releases.funding_round.protection import protect_tables
from pipeline.releases.funding_round.publication import release_tables
from pipeline.releases.funding_round.tables import audited_tables, count
from pipeline.releases.spec import ReleaseSteps

STEPS = ReleaseSteps(
    count=count,
    protect=protect_tables,
    release_tables=release_tables,
    documents=documents,
    population_statuses=population_statuses,
    audited_tables=audited_tables,
)
