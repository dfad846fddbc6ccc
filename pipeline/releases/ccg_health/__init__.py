"""The CCG/ICB health release: child weight prevalence from the NCMP measurements of one
academic year (``population``, ``measurements``, ``tables``), protected under NHS England's
rule (``protection``) and published with prevalence, Wilson intervals and the recipient's
note (``publication``, ``note``)."""

from pipeline.releases.ccg_health.note import documents
from pipeline.releases.ccg_health.population import population_statuses
from pipeline.releases.ccg_health.protection import protect_tables
from pipeline.releases.ccg_health.publication import release_tables
from pipeline.releases.ccg_health.tables import audited_tables, count
from pipeline.releases.spec import ReleaseSteps

STEPS = ReleaseSteps(
    count=count,
    protect=protect_tables,
    release_tables=release_tables,
    documents=documents,
    population_statuses=population_statuses,
    audited_tables=audited_tables,
)
