"""Release profiles: the disclosure rules a set of tables is protected with, as data.

A profile fixes the minimum frequency rule (counts 1..threshold-1 are sensitive; Hundepool et
al., 2012, section 4.2.1 "minimum frequency rule"; tau-ARGUS manual, "minimum frequency
rule"), how zeros are treated, the symbol printed for a suppressed cell and which cells must be
published whatever the cost; and, all off unless set, the (n,k)-dominance and p% rules for
magnitude tables (Hundepool et al., 2012, 4.2.1), the small-denominator rule for rates and the
group attribute disclosure rule (Hundepool et al., 2012, 5.2), with the protection mode their
levels use (4.2.2). See :mod:`disclosure.primary` for each rule.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

ForcedPublished = Literal["none", "grand_total"]
ProtectionMode = Literal["upper", "symmetric", "sliding"]
PROTECTION_MODES = ("upper", "symmetric", "sliding")
FrequencySides = Literal["either", "upper"]
FREQUENCY_SIDES = ("either", "upper")


@dataclass(frozen=True)
class Profile:
    """A disclosure rule set.

    - ``threshold``: counts (or, in magnitude tables, numbers of contributors) 1..threshold-1
      are primary-sensitive (the DfE-style rule is threshold 3: counts of 1 and 2 are
      suppressed).
    - ``symbol``: what a suppressed cell shows when published.
    - ``zeros_safe``: zeros are published; if False a zero is sensitive too (an empty cell can
      disclose that every unit shares an attribute).
    - ``rounding_base``: published counts are rounded to this base (NHS England's rule).
    - ``forced_published``: ``"grand_total"`` keeps every table's grand total published (it
      is never chosen as a secondary suppression).
    - ``dominance_n``, ``dominance_k``: the (n,k)-dominance rule for magnitude tables (a cell
      whose n largest contributions exceed k percent of it is sensitive); both or neither.
    - ``p_percent``: the p% rule for magnitude tables.
    - ``frequency_range``: in magnitude tables, the protection interval of a cell with too few
      contributors, in percent of its value (tau-ARGUS's "frequency range"; unset: the cell
      must only not be recovered exactly).
    - ``min_denominator``: rates whose denominator (a parent along a table's attribute
      dimension) is 1..min_denominator-1 are not published: their numerators are primary.
    - ``group_attribute_max_total``, ``group_attribute_k``: groups (parents along a table's
      attribute dimension) of 1..max_total units where all or all but k fall in one category
      are disclosive (k defaults to 0, "all").
    - ``protection``: how the magnitude rules' protection levels apply: ``"upper"`` (default),
      ``"symmetric"`` (upper and lower) or ``"sliding"`` (interval width).
    - ``frequency_sides``: how a count ``a`` in 1..threshold-1 is protected: ``"either"``
      (default) its attacker interval must not lie inside ``[1, threshold-1]``, so it reaches
      the threshold or 0, whichever the pattern makes cheaper; ``"upper"``: it must reach the
      threshold (the upper protection level ``threshold - a`` of tau-ARGUS's frequency rule).
    """

    name: str
    threshold: int
    symbol: str = "c"
    zeros_safe: bool = True
    rounding_base: int | None = None
    forced_published: ForcedPublished = "none"
    dominance_n: int | None = None
    dominance_k: float | None = None
    p_percent: float | None = None
    frequency_range: float | None = None
    min_denominator: int | None = None
    group_attribute_max_total: int | None = None
    group_attribute_k: int = 0
    protection: ProtectionMode = "upper"
    frequency_sides: FrequencySides = "either"

    def __post_init__(self) -> None:
        """Reject settings no rule can apply, naming the profile and the setting."""
        if not _is_int(self.threshold):
            raise ValueError(f"profile {self.name!r}: threshold must be an integer")
        if self.threshold < 1:
            raise ValueError(f"profile {self.name!r}: threshold must be at least 1")
        if not self.symbol:
            raise ValueError(f"profile {self.name!r}: the suppression symbol must not be empty")
        if self.rounding_base is not None and (
            not _is_int(self.rounding_base) or self.rounding_base < 1
        ):
            raise ValueError(f"profile {self.name!r}: rounding_base must be a positive integer")
        if self.forced_published not in ("none", "grand_total"):
            raise ValueError(
                f"profile {self.name!r}: forced_published must be 'none' or 'grand_total', "
                f"not {self.forced_published!r}"
            )
        self._check_magnitude_rules()
        self._check_attribute_rules()
        if self.frequency_sides not in FREQUENCY_SIDES:
            raise ValueError(
                f"profile {self.name!r}: frequency_sides must be one of "
                f"{', '.join(FREQUENCY_SIDES)}, not {self.frequency_sides!r}"
            )
        if self.protection not in PROTECTION_MODES:
            raise ValueError(
                f"profile {self.name!r}: protection must be one of {', '.join(PROTECTION_MODES)}, "
                f"not {self.protection!r}"
            )

    def _check_magnitude_rules(self) -> None:
        """The (n,k)-dominance, p% and frequency-range settings (Hundepool et al., 2012, 4.2.1:
        the dominance rule makes no sense for k = 100, nor the p% rule for p = 0)."""
        if (self.dominance_n is None) != (self.dominance_k is None):
            raise ValueError(
                f"profile {self.name!r}: the dominance rule needs both dominance_n and dominance_k"
            )
        if self.dominance_n is not None and (not _is_int(self.dominance_n) or self.dominance_n < 1):
            raise ValueError(f"profile {self.name!r}: dominance_n must be a positive integer")
        if self.dominance_k is not None and not (
            _is_number(self.dominance_k) and 0 < self.dominance_k < 100
        ):
            raise ValueError(
                f"profile {self.name!r}: dominance_k is a percentage strictly between 0 and 100"
            )
        if self.p_percent is not None and not (
            _is_number(self.p_percent) and 0 < self.p_percent <= 100
        ):
            raise ValueError(
                f"profile {self.name!r}: p_percent is a percentage above 0 and at most 100"
            )
        if self.frequency_range is not None and not (
            _is_number(self.frequency_range) and self.frequency_range > 0
        ):
            raise ValueError(
                f"profile {self.name!r}: frequency_range must be a positive percentage"
            )

    def _check_attribute_rules(self) -> None:
        """The rate and group attribute settings (Hundepool et al., 2012, 5.2)."""
        if self.min_denominator is not None and (
            not _is_int(self.min_denominator) or self.min_denominator < 2
        ):
            raise ValueError(f"profile {self.name!r}: min_denominator must be an integer >= 2")
        largest = self.group_attribute_max_total
        if largest is not None and (not _is_int(largest) or largest < 1):
            raise ValueError(
                f"profile {self.name!r}: group_attribute_max_total must be a positive integer"
            )
        k = self.group_attribute_k
        if not _is_int(k) or k < 0:
            raise ValueError(f"profile {self.name!r}: group_attribute_k must be an integer >= 0")
        if k and largest is None:
            raise ValueError(
                f"profile {self.name!r}: group_attribute_k needs group_attribute_max_total"
            )
        if largest is not None and k >= largest:
            raise ValueError(
                f"profile {self.name!r}: group_attribute_k ({k}) must be below "
                f"group_attribute_max_total ({largest}), or every checked group is disclosive"
            )


def _is_int(value: object) -> bool:
    """An integer that is not a bool (TOML and Python both allow ``true`` where 1 is meant)."""
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: object) -> bool:
    """An int or float that is not a bool."""
    return isinstance(value, int | float) and not isinstance(value, bool)


DFE = Profile(name="dfe", threshold=3, symbol="c", zeros_safe=True)
"""DfE-style statistics: counts of 1 and 2 suppressed as ``c``, zeros published."""
