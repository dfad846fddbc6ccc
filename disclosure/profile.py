"""Release profiles: the disclosure rule a set of tables is protected with, as data.

A profile fixes the minimum frequency rule (counts 1..threshold-1 are sensitive; Hundepool et
al., 2012, section 4.2.1 "threshold rule"; tau-ARGUS manual, "minimum frequency rule"), how
zeros are treated, the symbol printed for a suppressed cell and which cells must be published
whatever the cost.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

ForcedPublished = Literal["none", "grand_total"]


@dataclass(frozen=True)
class Profile:
    """A disclosure rule for counts.

    - ``threshold``: counts 1..threshold-1 are primary-sensitive (the DfE-style rule is
      threshold 3: counts of 1 and 2 are suppressed).
    - ``symbol``: what a suppressed cell shows when published.
    - ``zeros_safe``: zeros are published; if False a zero is sensitive too (an empty cell can
      disclose that every unit shares an attribute).
    - ``rounding_base``: carried for a later rounding step; suppression ignores it.
    - ``forced_published``: ``"grand_total"`` keeps every table's grand total published (it
      is never chosen as a secondary suppression).
    """

    name: str
    threshold: int
    symbol: str = "c"
    zeros_safe: bool = True
    rounding_base: int | None = None
    forced_published: ForcedPublished = "none"

    def __post_init__(self) -> None:
        if isinstance(self.threshold, bool) or not isinstance(self.threshold, int):
            raise ValueError(f"profile {self.name!r}: threshold must be an integer")
        if self.threshold < 1:
            raise ValueError(f"profile {self.name!r}: threshold must be at least 1")
        if not self.symbol:
            raise ValueError(f"profile {self.name!r}: the suppression symbol must not be empty")
        if self.rounding_base is not None and self.rounding_base < 1:
            raise ValueError(f"profile {self.name!r}: rounding_base must be positive")
        if self.forced_published not in ("none", "grand_total"):
            raise ValueError(
                f"profile {self.name!r}: forced_published must be 'none' or 'grand_total', "
                f"not {self.forced_published!r}"
            )


DFE = Profile(name="dfe", threshold=3, symbol="c", zeros_safe=True)
"""DfE-style statistics: counts of 1 and 2 suppressed as ``c``, zeros published."""
