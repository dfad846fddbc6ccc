"""pupilstats' statistical disclosure control library: tables in, protected tables and an
audit report out. Pure: no I/O, no Prefect, no DuckDB.

Methods: primary rules (:mod:`disclosure.primary`: minimum frequency, (n,k)-dominance and p%
for magnitude tables, small-denominator rates, group attribute disclosure), optimal
(Fischetti-Salazar), modular and heuristic secondary cell suppression over linked hierarchical
count and magnitude tables, and an attacker's LP audit (Hundepool et al., *Statistical
Disclosure Control*, Wiley 2012; the tau-ARGUS manual).
"""

from disclosure.audit import AuditFailure, AuditReport, audit
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
from disclosure.protection import Protection, protect
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
    "upper_protection_levels",
]
