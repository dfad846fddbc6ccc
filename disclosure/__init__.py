"""pupilstats' statistical disclosure control library: tables in, protected tables and an
audit report out. Pure: no I/O, no Prefect, no DuckDB.

Methods: primary rules (:mod:`disclosure.primary`: minimum frequency, (n,k)-dominance and p%
for magnitude tables, small-denominator rates, group attribute disclosure), optimal
(Fischetti-Salazar), modular and heuristic secondary cell suppression over linked hierarchical
count and magnitude tables, and an attacker's LP audit (Hundepool et al., *Statistical
Disclosure Control*, Wiley 2012; the tau-ARGUS manual). Every audit report carries the sha256
of the published cells it checked (:func:`published_cells_digest`). One method note per rule in
``docs/methods/``.
"""

from disclosure.audit import audit
from disclosure.audit_report import AuditFailure, AuditReport
from disclosure.errors import (
    AdditivityError,
    AdditivityFailure,
    DisclosureError,
    HierarchyError,
    LinkingError,
    ProtectionInfeasibleError,
    TableError,
)
from disclosure.hierarchy import Dimension
from disclosure.linking import LinkedCells, link_tables
from disclosure.primary import assess_primary, primary_cells, upper_protection_levels
from disclosure.profile import DFE, Profile
from disclosure.protected_tables import Protection
from disclosure.protection import protect
from disclosure.published_cells import published_cells_digest
from disclosure.table import Table

__all__ = [
    "DFE",
    "AdditivityError",
    "AdditivityFailure",
    "AuditFailure",
    "AuditReport",
    "Dimension",
    "DisclosureError",
    "HierarchyError",
    "LinkedCells",
    "LinkingError",
    "Profile",
    "Protection",
    "ProtectionInfeasibleError",
    "Table",
    "TableError",
    "assess_primary",
    "audit",
    "link_tables",
    "primary_cells",
    "protect",
    "published_cells_digest",
    "upper_protection_levels",
]
