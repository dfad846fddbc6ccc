"""Primary suppression: which cells are sensitive, why, and how well each must be protected.

One rule per module, each citing its source (Hundepool et al., *Statistical Disclosure
Control*, 2012; the tau-ARGUS manual):

- :mod:`~disclosure.primary.frequency`: minimum frequency rule (``"freq"``, ``"zero"``);
- :mod:`~disclosure.primary.dominance`: (n,k)-dominance for magnitude tables (``"nk"``);
- :mod:`~disclosure.primary.p_percent`: p% rule for magnitude tables (``"p"``);
- :mod:`~disclosure.primary.rates`: rates with a small denominator (``"rate"``);
- :mod:`~disclosure.primary.group_attribute`: all or all but k of a small group in one
  category (``"group"``);
- :mod:`~disclosure.primary.assess`: all of them combined over linked tables.
"""

from disclosure.primary.assess import REQUESTED, assess_primary, primary_cells
from disclosure.primary.dominance import DOMINANCE
from disclosure.primary.frequency import (
    FREQ,
    ZERO,
    is_sensitive,
    sensitive_reasons,
    upper_protection_levels,
)
from disclosure.primary.group_attribute import GROUP
from disclosure.primary.p_percent import P_PERCENT
from disclosure.primary.rates import RATE
from disclosure.primary.requirements import RuleCells

__all__ = [
    "DOMINANCE",
    "FREQ",
    "GROUP",
    "P_PERCENT",
    "RATE",
    "REQUESTED",
    "ZERO",
    "RuleCells",
    "assess_primary",
    "is_sensitive",
    "primary_cells",
    "sensitive_reasons",
    "upper_protection_levels",
]
