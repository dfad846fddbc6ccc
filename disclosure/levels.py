"""Protection requirements of primary cells and what the attacker knows of published cells.

Per primary cell ``p`` with true value ``a_p`` (Fischetti and Salazar, JASA 95, 2000; tau-ARGUS
manual, "protection levels"; Hundepool et al., 2012, section 4.2.2):

- upper protection level ``UPL_p``: the attacker's largest feasible value is at least
  ``a_p + UPL_p``;
- lower protection level ``LPL_p``: the smallest feasible value is at most ``a_p - LPL_p``;
- sliding protection level ``SPL_p``: the feasible interval is at least ``SPL_p`` wide
  (``SPL = 1`` is "not recovered exactly");
- alternative levels ``AUPL_p``, ``ALPL_p``: the largest feasible value reaches
  ``a_p + AUPL_p`` OR the smallest reaches ``a_p - ALPL_p``. The minimum frequency rule's
  requirement for a count ``a`` in ``1..t-1`` is of this kind: the attacker must not narrow it
  to a range inside ``[1, t-1]`` (Hundepool et al., 2012, 4.2.1: learning "a small non-zero
  count" is the disclosure), i.e. the interval reaches ``t`` (``AUPL = t - a``) or reaches
  ``0`` (``ALPL = a``). Either side suffices, so a pattern may protect each cell on whichever
  side is cheaper.

A published cell is normally known exactly. Under rounding (NHS England's rule, see
:mod:`disclosure.rounding`) a published cell is only known within an interval, so the attacker
knows ``known_low_i <= y_i <= known_high_i`` for it instead.
Method note: ``docs/methods/protection-levels.md``.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np


@dataclass(frozen=True)
class ProtectionLevels:
    """Upper, lower and sliding protection levels over the linked unique cells (0 = none), and
    the cells that must be suppressed (``primary``; a primary may have all three levels 0 when
    only its own publication is disclosive): the protection levels of Fischetti and Salazar,
    JASA 2000 (Hundepool et al., 2012, 4.2.2; tau-ARGUS manual, "protection levels")."""

    primary: np.ndarray
    upper: np.ndarray
    lower: np.ndarray
    sliding: np.ndarray
    alt_upper: np.ndarray | None = None
    alt_lower: np.ndarray | None = None

    def __post_init__(self) -> None:
        """Check one non-negative level per cell on each side (Fischetti and Salazar 2000);
        alternative levels default to none."""
        n = len(self.primary)
        for name in ("alt_upper", "alt_lower"):
            if getattr(self, name) is None:
                object.__setattr__(self, name, np.zeros(n, dtype=np.float64))
        for name in ("upper", "lower", "sliding", "alt_upper", "alt_lower"):
            array = np.asarray(getattr(self, name), dtype=np.float64)
            if array.shape != (n,):
                raise ValueError(f"{name} levels have shape {array.shape}, need ({n},)")
            if (array < 0).any():
                raise ValueError(f"{name} protection levels must not be negative")
            object.__setattr__(self, name, array)
        object.__setattr__(self, "primary", np.asarray(self.primary, dtype=bool))

    @classmethod
    def upper_only(cls, primary: np.ndarray, upper: np.ndarray) -> ProtectionLevels:
        """Only upper levels (the minimum frequency rule's ``UPL = t - a``; tau-ARGUS manual,
        "protection levels")."""
        zeros = np.zeros(len(primary), dtype=np.float64)
        return cls(np.asarray(primary, dtype=bool), np.asarray(upper, float), zeros, zeros.copy())

    @property
    def alternative(self) -> np.ndarray:
        """Primary cells with alternative levels (either side suffices: the minimum frequency
        rule's requirement, Hundepool et al., 2012, 4.2.1)."""
        return self.primary & ((self.alt_upper > 0) | (self.alt_lower > 0))

    def subset(self, cells: np.ndarray) -> ProtectionLevels:
        """The levels of ``cells`` (an index array), in that order (protection levels,
        Hundepool et al., 2012, 4.2.2)."""
        return ProtectionLevels(
            self.primary[cells],
            self.upper[cells],
            self.lower[cells],
            self.sliding[cells],
            self.alt_upper[cells],
            self.alt_lower[cells],
        )

    def restricted_to(self, primary: np.ndarray) -> ProtectionLevels:
        """The same levels with only ``primary`` (a mask) still to protect (protection levels,
        Hundepool et al., 2012, 4.2.2)."""
        return replace(self, primary=np.asarray(primary, dtype=bool))

    def on_sides(self, upper_side: np.ndarray) -> ProtectionLevels:
        """These levels with each alternative cell held to one side: its upper alternative
        level where ``upper_side`` (a mask over all cells) is true, its lower one elsewhere.
        Every pattern meeting the result meets these levels (it reaches the chosen side), so a
        search over one side per cell is a restriction of the either-side requirement of the
        minimum frequency rule (Hundepool et al., 2012, 4.2.1) that needs no side choices."""
        alternative = self.alternative
        up = alternative & np.asarray(upper_side, dtype=bool)
        down = alternative & ~up
        zeros = np.zeros(len(self.primary), dtype=np.float64)
        return replace(
            self,
            upper=np.where(up, np.maximum(self.upper, self.alt_upper), self.upper),
            lower=np.where(down, np.maximum(self.lower, self.alt_lower), self.lower),
            alt_upper=np.where(alternative, zeros, self.alt_upper),
            alt_lower=np.where(alternative, zeros, self.alt_lower),
        )

    def with_requested(self, cells: np.ndarray, sliding: float = 1.0) -> ProtectionLevels:
        """These levels plus cells requested suppressed (tau-ARGUS "request" status, sdcTable's
        manual primaries ``u``): each must at least not be recovered exactly."""
        primary = self.primary.copy()
        slide = self.sliding.copy()
        primary[cells] = True
        slide[cells] = np.maximum(slide[cells], sliding)
        return replace(self, primary=primary, sliding=slide)

    def requirement(self, cell: int) -> str:
        """Readable requirement, e.g. ``"upper 2, sliding 1"``; ``"suppressed"`` if none (the
        protection levels of Hundepool et al., 2012, 4.2.2)."""
        parts = [
            f"{name} {level:g}"
            for name, level in (
                ("upper", self.upper[cell]),
                ("lower", self.lower[cell]),
                ("sliding", self.sliding[cell]),
            )
            if level > 0
        ]
        if self.alt_upper[cell] > 0 or self.alt_lower[cell] > 0:
            parts.append(f"upper {self.alt_upper[cell]:g} or lower {self.alt_lower[cell]:g}")
        return ", ".join(parts) or "suppressed"


@dataclass(frozen=True)
class KnownBounds:
    """What the attacker knows of each cell when it is published: ``low <= y <= high``
    (``low == high == value`` for a cell published exactly): the attacker's known bounds on
    a cell in the model of Fischetti and Salazar, JASA 2000; a rounded cell's interval,
    Hundepool et al., 2012, ch. 5."""

    low: np.ndarray
    high: np.ndarray

    @classmethod
    def exact(cls, values: np.ndarray) -> KnownBounds:
        """Every published cell known exactly (no rounding), as in the attacker's problem of
        Hundepool et al., 2012, 4.3.2."""
        v = np.asarray(values, dtype=np.float64)
        return cls(v.copy(), v.copy())

    def is_exact(self) -> np.ndarray:
        """Cells an attacker knows exactly when published (no rounding interval; rounding,
        Hundepool et al., 2012, ch. 5)."""
        return self.low == self.high
